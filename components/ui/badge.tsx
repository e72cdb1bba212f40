import type { ReactNode } from "react";
import type { Tone } from "@/lib/view/format.ts";
import { TONE_CLASSES, ToneIcon } from "./tone.tsx";

/** A word with an icon on a tinted background; the word alone carries the meaning. */
export function Badge({ tone, icon, children, title }: { tone: Tone; icon?: ReactNode; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${TONE_CLASSES[tone]}`}
    >
      <span className="shrink-0 text-[0.95em]">{icon ?? <ToneIcon tone={tone} />}</span>
      {children}
    </span>
  );
}
