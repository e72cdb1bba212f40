import type { Tone } from "@/lib/view/format.ts";
import { CheckIcon, ClockIcon, CrossIcon, DotIcon, WarnIcon } from "./icons.tsx";

// A tone's look: soft background, strong text, and an icon, so it reads in
// greyscale and for colour-blind analysts too.
export const TONE_CLASSES: Record<Tone, string> = {
  ok: "bg-ok-soft text-ok",
  warn: "bg-warn-soft text-warn",
  bad: "bg-bad-soft text-bad",
  info: "bg-info-soft text-info",
  neutral: "bg-neutral-soft text-neutral",
};

export const TONE_BAR: Record<Tone, string> = {
  ok: "bg-ok",
  warn: "bg-warn",
  bad: "bg-bad",
  info: "bg-info",
  neutral: "bg-neutral",
};

export const TONE_TEXT: Record<Tone, string> = {
  ok: "text-ok",
  warn: "text-warn",
  bad: "text-bad",
  info: "text-info",
  neutral: "text-muted",
};

export function ToneIcon({ tone, className }: { tone: Tone; className?: string }) {
  switch (tone) {
    case "ok":
      return <CheckIcon className={className} />;
    case "warn":
      return <WarnIcon className={className} />;
    case "bad":
      return <CrossIcon className={className} />;
    case "info":
      return <ClockIcon className={className} />;
    default:
      return <DotIcon className={className} />;
  }
}
