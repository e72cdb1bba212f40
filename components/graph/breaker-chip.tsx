import type { GraphBreakerView } from "@/lib/api/graph-views.ts";
import { TONE_CLASSES } from "../ui/tone.tsx";
import { Glyph } from "./glyph.tsx";
import { BREAKER_STYLES, LOCK_STYLES, formatCountdown, type LockKind } from "./style-math.ts";

/** A breaker state as icon + word (+ countdown when open): readable without colour. */
export function BreakerChip({ breaker, now }: { breaker: GraphBreakerView; now: Date }) {
  const s = BREAKER_STYLES[breaker.state];
  const countdown = breaker.state === "OPEN" ? (breaker.awaitingReview ? "waiting for review" : formatCountdown(breaker.openUntil, now)) : null;
  return (
    <span data-breaker={breaker.state} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-md px-1.5 py-0.5 text-xs font-medium ${TONE_CLASSES[s.tone]}`}>
      {s.icon ? <Glyph name={s.icon} className="shrink-0" /> : null}
      {s.word}
      {countdown ? <span data-testid="countdown" className="font-normal tabular-nums opacity-90">· {countdown}</span> : null}
    </span>
  );
}

export function LockChip({ kind }: { kind: LockKind | null }) {
  if (kind === null) return <span className="text-xs text-muted">no traffic</span>;
  const s = LOCK_STYLES[kind];
  return (
    <span data-lock={kind} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-md px-1.5 py-0.5 text-xs font-medium ${TONE_CLASSES[s.tone]}`}>
      <Glyph name={s.glyph} className="shrink-0" />
      {s.word}
    </span>
  );
}
