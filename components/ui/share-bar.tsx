import { formatPercent, shareTone, shareWidth } from "@/lib/view/format.ts";
import { TONE_TEXT, ToneIcon } from "./tone.tsx";

/**
 * Verified share as a two-part bar (verified, the rest) plus the number and
 * a status icon: the number and icon carry it without colour.
 */
export function ShareBar({ share, label = "verified" }: { share: number | null; label?: string }) {
  const tone = shareTone(share);
  const text = formatPercent(share);
  const width = shareWidth(share);
  return (
    <span className="flex min-w-36 items-center gap-2" title={share === null ? "no records in this window" : `${text} ${label}`}>
      <span
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? undefined : Math.round(width)}
        aria-valuetext={share === null ? "no records" : `${text} ${label}`}
        className={`relative h-2 w-20 shrink-0 overflow-hidden rounded-full ${share === null ? "bg-neutral-soft" : "bg-bad/70"}`}
      >
        {share === null ? null : <span className="absolute inset-y-0 left-0 bg-ok" style={{ width: `${width}%` }} />}
      </span>
      <span className={`inline-flex items-center gap-1 text-sm tabular-nums ${share === null ? "text-muted" : ""}`}>
        {share === null ? null : <ToneIcon tone={tone} className={`shrink-0 text-xs ${TONE_TEXT[tone]}`} />}
        <span data-testid="share">{text}</span>
      </span>
    </span>
  );
}
