import type { ControlIcon } from "@/lib/view/control.ts";
import { CheckIcon, ClockIcon, WarnIcon } from "../ui/icons.tsx";

/** A stop sign: the octagon the graph uses for a forced-open breaker. */
export function StopIcon({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className={className}>
      <path d="M8.5 3h7L21 8.5v7L15.5 21h-7L3 15.5v-7z" />
      <path d="m9 9 6 6M15 9l-6 6" />
    </svg>
  );
}

export function ControlStateIcon({ icon, className }: { icon: ControlIcon; className?: string }) {
  switch (icon) {
    case "stop":
      return <StopIcon className={className} />;
    case "hourglass":
      return <ClockIcon className={className} />;
    case "warn":
      return <WarnIcon className={className} />;
    case "ok":
      return <CheckIcon className={className} />;
  }
}
