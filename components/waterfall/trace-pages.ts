// The trace arrives in windows: the first (preloaded with the page), then the
// ones after it as the analyst scrolls (`?after=` the previous answer's
// `next`). Each window's times count from its own start and its record
// indices from its own records; appended in order they make the whole answer,
// with the first window's span indices unchanged (a prefix of every column).
import type { TraceView } from "@/lib/api/trace-views.ts";

/** `base` followed by the window after it (`page`, asked with `after=base.next`). */
export function appendTraceWindow(base: TraceView, page: TraceView): TraceView {
  // Both starts are nanoseconds since the epoch, beyond a double's exact range; their difference is not.
  const shift = Number(BigInt(page.startNs) - BigInt(base.startNs));
  const recordBase = base.records.id.length;
  const rows = base.spans.id.length + page.spans.id.length;
  return {
    traceId: base.traceId,
    startNs: base.startNs,
    endNs: BigInt(page.endNs) > BigInt(base.endNs) ? page.endNs : base.endNs,
    // A window past the last says how many rows there are; one that is cut, how many spans the trace has (or more).
    total: page.truncated ? Math.max(page.total, rows + 1) : rows,
    truncated: page.truncated,
    next: page.next ?? null,
    spans: {
      id: base.spans.id.concat(page.spans.id),
      parent: base.spans.parent.concat(page.spans.parent),
      name: base.spans.name.concat(page.spans.name),
      service: base.spans.service.concat(page.spans.service),
      status: base.spans.status.concat(page.spans.status),
      start: base.spans.start.concat(page.spans.start.map((t) => t + shift)),
      end: base.spans.end.concat(page.spans.end.map((t) => t + shift)),
      record: base.spans.record.concat(page.spans.record.map((r) => (r >= 0 ? r + recordBase : -1))),
    },
    records: {
      id: base.records.id.concat(page.records.id),
      kind: base.records.kind.concat(page.records.kind),
      agent: base.records.agent.concat(page.records.agent),
      verdicts: base.records.verdicts.concat(page.records.verdicts),
      verified: base.records.verified.concat(page.records.verified),
    },
  };
}

/** The windows so far as one trace (the first alone when it is all there is). */
export function joinTraceWindows(pages: readonly TraceView[]): TraceView | undefined {
  let out = pages[0];
  for (let i = 1; i < pages.length && out; i++) out = appendTraceWindow(out, pages[i]!);
  return out;
}

/** The cursor for the window after `last`, or undefined when it was the last (what useInfiniteQuery's getNextPageParam returns). */
export function nextTraceCursor(last: Pick<TraceView, "truncated" | "next">): string | undefined {
  return last.truncated && last.next ? last.next : undefined;
}
