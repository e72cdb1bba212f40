import { formatCount, verdictLabel, verdictTone } from "@/lib/view/format.ts";
import { TONE_CLASSES, ToneIcon } from "./tone.tsx";

export function VerdictChip({ verdict, count }: { verdict: string; count?: number }) {
  const tone = verdictTone(verdict);
  const label = verdictLabel(verdict);
  return (
    <span
      data-verdict={verdict}
      title={count === undefined ? verdict : `${formatCount(count)} record${count === 1 ? "" : "s"}: ${verdict}`}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-md px-1.5 py-0.5 text-xs font-medium ${TONE_CLASSES[tone]}`}
    >
      <ToneIcon tone={tone} className="shrink-0" />
      {label}
      {count === undefined ? null : <span className="tabular-nums opacity-80">×{formatCount(count)}</span>}
    </span>
  );
}

/** Failures by verdict as chips, or a quiet "none". */
export function VerdictChips({ entries }: { entries: { verdict: string; count: number }[] }) {
  if (entries.length === 0) return <span className="text-xs text-muted">none</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {entries.map((e) => (
        <VerdictChip key={e.verdict} verdict={e.verdict} count={e.count} />
      ))}
    </span>
  );
}
