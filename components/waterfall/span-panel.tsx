"use client";

import { useQuery } from "@tanstack/react-query";
import { formatCount } from "@/lib/view/format.ts";
import { RecordCopies } from "../records/record-detail.tsx";
import { Badge } from "../ui/badge.tsx";
import { CrossIcon } from "../ui/icons.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { STATUS_LABELS, attributeText, formatInstantMs, nsToMs } from "./span-format.ts";
import { spanDetailQuery } from "./trace-queries.ts";
import { useTimeZone } from "./use-time-zone.ts";
import type { TraceModel } from "./trace-waterfall.tsx";
import { childCount, formatDuration, orphanReason } from "./waterfall-math.ts";

/**
 * The selected span. What the trace already carries shows at once; the
 * attributes, the signed payload and the verdict details are fetched for
 * this span only, so a 100,000-span trace never ships them all.
 */
export function SpanPanel({ model, span: v, onClose, onSelect }: { model: TraceModel; span: number; onClose: () => void; onSelect: (span: number) => void }) {
  const { spans } = model.trace;
  const spanId = spans.id[v]!;
  const q = useQuery(spanDetailQuery(model.trace.traceId, spanId));
  const tz = useTimeZone();
  const parent = model.tree.parent[v]!;
  const orphan = orphanReason(model.tree, v);
  const start = nsToMs(model.trace.startNs, spans.start[v]!);
  const stored = q.data?.spans ?? [];

  return (
    <aside aria-label="Selected span" data-testid="span-panel" className="min-w-0 self-start rounded-xl border border-line bg-panel shadow-sm xl:sticky xl:top-4 xl:max-h-[calc(100vh-2rem)] xl:overflow-auto">
      <header className="flex items-start justify-between gap-3 border-b border-line px-4 py-3">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold" title={spans.name[v]}>
            {spans.name[v]}
          </h2>
          <p className="font-mono text-xs text-muted">span {spanId}</p>
        </div>
        <button type="button" onClick={onClose} aria-label="Close the span panel (Esc)" className="rounded-md p-1 text-muted hover:bg-raised hover:text-fg">
          <CrossIcon />
        </button>
      </header>
      <dl className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 border-b border-line px-4 py-3 text-sm">
        <dt className="text-muted">Service</dt>
        <dd className="font-mono">{spans.service[v] ?? <span className="text-muted">unknown</span>}</dd>
        <dt className="text-muted">Start</dt>
        <dd className="tabular-nums">{formatInstantMs(start, tz)}</dd>
        <dt className="text-muted">Duration</dt>
        <dd className="tabular-nums">
          {formatDuration(spans.end[v]! - spans.start[v]!)}
          <span className="text-muted"> · starts {formatDuration(spans.start[v]!)} into the trace</span>
        </dd>
        <dt className="text-muted">Status</dt>
        <dd>{spans.status[v] === 2 ? <Badge tone="bad">error</Badge> : (STATUS_LABELS[spans.status[v]!] ?? String(spans.status[v]))}</dd>
        <dt className="text-muted">Parent</dt>
        <dd className="min-w-0">
          {parent >= 0 ? (
            <button type="button" onClick={() => onSelect(parent)} className="max-w-full truncate text-left text-accent underline-offset-2 hover:underline">
              {spans.name[parent]} <span className="font-mono text-xs">({spans.id[parent]})</span>
            </button>
          ) : orphan ? (
            <span className="inline-flex flex-wrap items-center gap-1.5">
              <Badge tone="warn">{orphan === "missing" ? "orphan" : "cycle"}</Badge>
              <span className="text-xs">
                {orphan === "missing" ? (
                  <>
                    parent <span className="font-mono">{spans.parent[v]}</span> is not in this trace
                  </>
                ) : (
                  "its parent chain loops back to it; shown as a root"
                )}
              </span>
            </span>
          ) : (
            <span className="text-muted">none (root)</span>
          )}
        </dd>
        <dt className="text-muted">Children</dt>
        <dd className="tabular-nums">{formatCount(childCount(model.tree, v))}</dd>
      </dl>

      {q.isPending ? (
        <LoadingRows label="Loading the span's attributes and record" rows={4} />
      ) : q.isError ? (
        <ErrorState title="Could not load the span" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          {q.data.records.length > 0 ? (
            <section aria-label="Record" className="border-b border-line px-4 py-3">
              <h3 className="mb-2 text-sm font-semibold">Record</h3>
              <div className="flex flex-col gap-4">
                {q.data.records.map((detail) => (
                  <RecordCopies key={detail.id} detail={detail} currentSpanId={spanId} columns="one" />
                ))}
              </div>
            </section>
          ) : null}
          <section aria-label="Attributes" className="px-4 py-3">
            <h3 className="mb-2 text-sm font-semibold">Attributes</h3>
            {stored.length === 0 ? (
              <p className="text-sm text-muted">The record arrived without its span: no other attributes were stored.</p>
            ) : (
              stored.map((s, i) => (
                <div key={s.contentHash} className="mb-3">
                  {stored.length > 1 ? (
                    <p className="mb-1 text-xs font-medium text-warn">
                      Span {i + 1} of {stored.length} sent under this id (content {s.contentHash.slice(0, 12)}…)
                    </p>
                  ) : null}
                  {Object.keys(s.attributes).length === 0 ? (
                    <p className="text-sm text-muted">none</p>
                  ) : (
                    <table className="w-full table-fixed text-left text-xs" data-testid="attributes">
                      <tbody>
                        {Object.entries(s.attributes).map(([key, value]) => (
                          <tr key={key} className="border-b border-line last:border-0 align-top">
                            <th scope="row" className="w-2/5 py-1 pr-2 font-mono font-normal break-all text-muted">
                              {key}
                            </th>
                            <td className="py-1 font-mono break-all">{attributeText(value)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </div>
              ))
            )}
          </section>
        </>
      )}
    </aside>
  );
}
