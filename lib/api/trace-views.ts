// The JSON shapes of the trace API: a whole trace for the waterfall, and one
// span's detail for its side panel. A trace can hold 100,000+ spans, so it
// travels as columns (one array per field) rather than one object per span:
// the keys are not repeated 100,000 times, and the browser parses less.
import { z } from "zod";
import { RecordDetail } from "./views.ts";

const count = z.number().int().nonnegative();
/** Nanoseconds since the Unix epoch need 64 bits: JSON numbers would round them. */
const unixNs = z.string().regex(/^-?\d+$/);

export const TraceIdParams = z.object({
  traceId: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, { error: "traceId must be 32 hexadecimal characters" })
    .transform((s) => s.toLowerCase()),
});
export type TraceIdParams = z.output<typeof TraceIdParams>;

/** More spans than this are cut (earliest kept) and the answer says so. */
export const MAX_TRACE_SPANS = 250_000;
/**
 * The first window the waterfall asks for: a screenful many times over, small
 * enough to arrive and draw at once. Most traces fit whole; a bigger one
 * comes again in full, and its spans keep their indices (the first window
 * is a prefix of every column), so what the analyst did meanwhile still holds.
 */
export const TRACE_HEAD_SPANS = 2_000;

/**
 * The URL of a trace's first window, when the page could not put it in its HTML (ADR 0039): the page preloads
 * exactly this, so the waterfall's fetch picks the preload up. Its `total` is a lower bound; the summary counts.
 */
export const traceHeadUrl = (traceId: string): string => `/api/v1/traces/${encodeURIComponent(traceId)}?limit=${TRACE_HEAD_SPANS}&total=lower-bound`;

/** What an answer's `total` holds when the trace is cut: the spans counted, or only a lower bound (the rows seen, one more than returned). */
export const TraceTotal = z.enum(["count", "lower-bound"]);
export type TraceTotal = z.infer<typeof TraceTotal>;

/** The windows after the first, paged in as the analyst scrolls: bigger than the first, each still a fraction of a second to read and draw. */
export const TRACE_PAGE_SPANS = 10_000;

/** Where a window stops in the waterfall's order (start, span storage order, record storage order): `start.spanSeq.recordSeq`. */
const CURSOR_ERROR = "after must be the `next` of an earlier answer (start.spanSeq.recordSeq)";
const INT64_MAX = 2n ** 63n - 1n;
const TraceCursor = z
  .string()
  .regex(/^-?\d{1,19}\.\d{1,19}\.\d{1,19}$/, { error: CURSOR_ERROR })
  // Runs even when the pattern failed (zod 4 keeps checking): a part that is no number is refused here too.
  .refine((c) => c.split(".").every((n) => /^-?\d+$/.test(n) && BigInt(n) <= INT64_MAX && BigInt(n) >= -INT64_MAX), { error: CURSOR_ERROR });

/** The URL of the window after `cursor` (an answer's `next`). */
export const tracePageUrl = (traceId: string, cursor: string): string =>
  `/api/v1/traces/${encodeURIComponent(traceId)}?limit=${TRACE_PAGE_SPANS}&after=${encodeURIComponent(cursor)}`;

export const TraceQuery = z.object({
  total: TraceTotal.default("count").meta({
    description:
      "`count` (default): when the answer is cut, `total` counts the trace's spans. `lower-bound`: it is only the rows seen (one more than returned), and the spans are not counted, which on a 100,000-span trace is most of a first window's time; `GET /api/v1/traces/{traceId}/summary` counts the whole trace.",
  }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_TRACE_SPANS, { error: `limit must be at most ${MAX_TRACE_SPANS}` })
    .default(MAX_TRACE_SPANS)
    .meta({ description: `The earliest spans to return (default and most ${MAX_TRACE_SPANS}); \`truncated\` says when the trace has more. The first \`limit\` entries of every column are the same as in the whole answer.` }),
  after: TraceCursor.optional().meta({
    description:
      "The `next` of an earlier answer: this answer then holds the window that follows it, in the same order. Its `start`/`end` count from its own `startNs` and its `record` indices from its own `records`; appended to the windows before it (times shifted by the difference of the `startNs`, indices by the records before), the windows make the whole answer.",
  }),
});
export type TraceQuery = z.output<typeof TraceQuery>;

export const SpanIdParams = TraceIdParams.extend({
  spanId: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/, { error: "spanId must be 16 hexadecimal characters" })
    .transform((s) => s.toLowerCase()),
});
export type SpanIdParams = z.output<typeof SpanIdParams>;

/** Spans of one trace, earliest first; element i of every column is span i. */
export const TraceSpanColumns = z.object({
  id: z.array(z.string()),
  parent: z.array(z.string().nullable()).meta({ description: "Parent span id; null for a root. A parent missing from the trace makes the span an orphan." }),
  name: z.array(z.string()),
  service: z.array(z.string().nullable()),
  status: z.array(z.number().int()).meta({ description: "OTLP status code: 0 unset, 1 ok, 2 error." }),
  start: z.array(z.number()).meta({
    description: "Start in nanoseconds after the trace's startNs. Exact below 2^53 ns (104 days); the span endpoint has exact times.",
  }),
  end: z.array(z.number()).meta({ description: "End in nanoseconds after the trace's startNs." }),
  record: z.array(z.number().int().min(-1)).meta({ description: "Index into `records` when the span is a firebreak record, else -1." }),
});
export type TraceSpanColumns = z.infer<typeof TraceSpanColumns>;

/** The records among the spans, in span order. */
export const TraceRecordColumns = z.object({
  id: z.array(z.string()),
  kind: z.array(z.string()),
  agent: z.array(z.string()),
  verdicts: z.array(z.array(z.string())),
  verified: z.array(z.boolean()),
});
export type TraceRecordColumns = z.infer<typeof TraceRecordColumns>;

const sameLength = (columns: Record<string, readonly unknown[]>): boolean => {
  const lengths = new Set(Object.values(columns).map((c) => c.length));
  return lengths.size <= 1;
};

export const TraceView = z
  .object({
    traceId: z.string(),
    startNs: unixNs.meta({ description: "Earliest span start, nanoseconds since the Unix epoch." }),
    endNs: unixNs.meta({ description: "Latest span end, nanoseconds since the Unix epoch." }),
    total: count.meta({
      description:
        "Rows of the trace when it is whole; when `truncated`, the spans stored for it, or the rows seen if more (at least one more than returned); asked with `total=lower-bound`, only the rows seen.",
    }),
    truncated: z.boolean(),
    next: TraceCursor.nullable()
      .optional()
      .meta({ description: "When `truncated`: where this answer stops, to pass as `after` for the window that follows; null otherwise." }),
    spans: TraceSpanColumns.refine(sameLength, { error: "span columns differ in length" }),
    records: TraceRecordColumns.refine(sameLength, { error: "record columns differ in length" }),
  })
  .meta({ id: "TraceView" });
export type TraceView = z.infer<typeof TraceView>;

export const StoredSpanView = z
  .object({
    parentSpanId: z.string().nullable(),
    name: z.string(),
    spanKind: z.number().int(),
    startNs: unixNs,
    endNs: unixNs,
    serviceName: z.string().nullable(),
    statusCode: z.number().int(),
    attributes: z.record(z.string(), z.unknown()).meta({ description: "The span's attributes; a record's firebreak.* ones are in its record instead." }),
    contentHash: z.string(),
    receivedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "StoredSpanView" });
export type StoredSpanView = z.infer<typeof StoredSpanView>;

export const SpanDetailView = z
  .object({
    traceId: z.string(),
    spanId: z.string(),
    spans: z.array(StoredSpanView).meta({ description: "Usually one; more when different spans were sent under the same ids (kept as evidence)." }),
    records: z.array(RecordDetail).meta({
      description: "For a record span: its firebreak id with every stored copy (forged ones too), payload and verdict details.",
    }),
  })
  .meta({ id: "SpanDetailView" });
export type SpanDetailView = z.infer<typeof SpanDetailView>;

type ColumnType = "string" | "string?" | "number" | "boolean" | "array";
const SPAN_COLUMNS: Record<keyof TraceSpanColumns, ColumnType> = {
  id: "string",
  parent: "string?",
  name: "string",
  service: "string?",
  status: "number",
  start: "number",
  end: "number",
  record: "number",
};
const RECORD_COLUMNS: Record<keyof TraceRecordColumns, ColumnType> = { id: "string", kind: "string", agent: "string", verdicts: "array", verified: "boolean" };

const entryIs = (value: unknown, type: ColumnType): boolean =>
  type === "array" ? Array.isArray(value) : type === "string?" ? value === null || typeof value === "string" : typeof value === type;

function columnsLookRight(value: unknown, spec: Record<string, ColumnType>): boolean {
  if (value === null || typeof value !== "object") return false;
  let length = -1;
  for (const [name, type] of Object.entries(spec)) {
    const column = (value as Record<string, unknown>)[name];
    if (!Array.isArray(column) || (length >= 0 && column.length !== length)) return false;
    length = column.length;
    if (length > 0 && !(entryIs(column[0], type) && entryIs(column[length - 1], type))) return false;
  }
  return true;
}

const TraceHeader = TraceView.omit({ spans: true, records: true });

/**
 * The browser's check of a trace: the header in full; every column present,
 * of one length, with the right type at both ends. A full pass over 1.3
 * million values costs more than drawing the trace; the integration tests
 * check responses with TraceView in full.
 */
export const TraceViewForBrowser = z.custom<TraceView>(
  (v) =>
    TraceHeader.safeParse(v).success &&
    columnsLookRight((v as { spans?: unknown }).spans, SPAN_COLUMNS) &&
    columnsLookRight((v as { records?: unknown }).records, RECORD_COLUMNS),
  { error: "not a TraceView" },
);
