import type { ControlBanner as Banner } from "@/lib/view/control.ts";
import { TONE_CLASSES } from "../ui/tone.tsx";
import { ControlStateIcon } from "./control-icons.tsx";

/** The first thing on the screen: one big state, in colour, a word and an icon. */
export function ControlBanner({ banner, version }: { banner: Banner; version: number | null }) {
  return (
    <div role="status" aria-live="polite" data-testid="control-banner" data-state={banner.word} className={`flex items-center gap-4 rounded-xl border border-line px-5 py-4 ${TONE_CLASSES[banner.tone]}`}>
      <ControlStateIcon icon={banner.icon} className="shrink-0 text-4xl" />
      <div className="min-w-0">
        <p className="text-2xl font-bold tracking-wide">{banner.word}</p>
        <p className="mt-0.5 text-sm text-fg">{banner.sentence}</p>
      </div>
      {version !== null ? <p className="ml-auto shrink-0 text-xs text-muted">policy v{version}</p> : null}
    </div>
  );
}
