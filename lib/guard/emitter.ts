// Records leave the guard as OpenTelemetry spans, one span per record, with
// the record in its attributes (docs/protocol.md), through the SDK's span
// processor and the standard OTLP exporter: Firebreak's collector or any
// OTLP backend receives them. By default a BatchSpanProcessor feeds the
// OTLP/HTTP protobuf exporter; tests pass any SpanExporter.
//
// A record is complete when it is signed: it has no duration, no events and
// no children, and its attributes are strings and string arrays the guard
// wrote itself. So the guard builds the finished span (a ReadableSpan) and
// hands it to the processor, instead of going through a Tracer, whose span
// object re-validates every attribute, reads the clock three times and asks
// a sampler. That halves the cost of a span on the send path
// (docs/adr/0005), and no sampler can drop a record: an unexported record
// is a hole in the evidence. An application that wants records in its own
// pipeline can pass its tracer instead; it must then sample everything.
//
// Spans of one human request share a trace id derived from the request's id
// (authority[0]), so any OTLP backend shows a request's work as one trace;
// inside an active span (an instrumented application) they join its trace.
//
// Receipts (what receive() decided) are ordinary spans: no firebreak.kind, so
// the collector stores them as spans, not as records.
import { createHash } from "node:crypto";
import {
  context,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  type SpanStatus,
  type Tracer,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  type TimedEvent,
} from "@opentelemetry/sdk-trace-base";
import { ATTR, type WireRecord } from "../protocol/record.ts";
import { attributesFromRecord } from "../protocol/span-to-record.ts";
import { BoundedMap } from "./bounded-map.ts";
import { cryptoHex, type HexSource } from "./ids.ts";

export const RECEIPT_ATTR = {
  of: "firebreak.receipt.of",
  agent: "firebreak.receipt.agent",
  from: "firebreak.receipt.from",
  verdicts: "firebreak.receipt.verdicts",
  accepted: "firebreak.receipt.accepted",
  refusal: "firebreak.receipt.refusal",
} as const;

export const INSTRUMENTATION_SCOPE = { name: "firebreak-guard", version: "1" } as const;

export interface EmitterOptions {
  /** service.name of the spans; the guard uses its agent id. */
  serviceName: string;
  /** OTLP/HTTP traces URL (protobuf), e.g. http://firebreak:4318/v1/traces. Unset: the exporter's OTEL_EXPORTER_OTLP_* settings. */
  endpoint?: string;
  /** Sent with every export, e.g. { Authorization: "Bearer <ingest key>" }. */
  headers?: Record<string, string>;
  /** Replaces the OTLP exporter. */
  exporter?: SpanExporter;
  /** Emit through this tracer (an application's own SDK) instead; flush and shutdown are then the application's. */
  tracer?: Tracer;
  /** "batch" (default) queues and exports in the background; "simple" exports each span as it ends. */
  processor?: "batch" | "simple";
  batch?: BufferConfig;
  /** Span and trace ids. Default: node:crypto, pooled. */
  hex?: HexSource;
}

export interface ReceiptSpan {
  of: WireRecord;
  agent: string;
  /** Handed to the span as is: pass an array nobody changes afterwards. */
  verdicts: string[];
  accepted: boolean;
  refusal?: { code: string; reason: string };
}

const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const ZERO: HrTime = [0, 0];
// Shared: a finished span gains no links or events, and exporters only read them.
const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];

export class RecordEmitter {
  private readonly tracer: Tracer | null;
  private readonly processor: SpanProcessor | null;
  private readonly resource: Resource;
  private readonly hex: HexSource;
  /** Authority root -> trace id. */
  private readonly traces = new BoundedMap<string, string>(10_000);
  /** Spans handed on: records and receipts. */
  records = 0;
  receipts = 0;

  constructor(options: EmitterOptions) {
    this.resource = resourceFromAttributes({ "service.name": options.serviceName });
    this.hex = options.hex ?? cryptoHex();
    if (options.tracer) {
      this.tracer = options.tracer;
      this.processor = null;
      return;
    }
    const exporter = options.exporter ?? new OTLPTraceExporter({ url: options.endpoint, headers: options.headers });
    this.processor = options.processor === "simple" ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter, options.batch);
    this.tracer = null;
  }

  /** One span for one signed record, named "<kind> <intent>", stamped `at` (ms). */
  record(rec: WireRecord, at: number): void {
    const name = rec.intent === undefined ? rec.kind : `${rec.kind} ${rec.intent}`;
    const kind = rec.kind === "message" ? SpanKind.PRODUCER : SpanKind.INTERNAL;
    this.emit(name, kind, attributesFromRecord(rec), UNSET, at, rec.kind === "request" ? rec.id : rec.authority?.[0]);
    this.records++;
  }

  /** The receipt of a received record; status ERROR when it was refused. */
  receipt(receipt: ReceiptSpan, at: number): void {
    const rec = receipt.of;
    const attributes: Attributes = {
      [RECEIPT_ATTR.of]: rec.id,
      [RECEIPT_ATTR.agent]: receipt.agent,
      [RECEIPT_ATTR.from]: rec.agent,
      [RECEIPT_ATTR.verdicts]: receipt.verdicts,
      [RECEIPT_ATTR.accepted]: receipt.accepted,
      [ATTR.genAiAgentId]: receipt.agent,
    };
    if (receipt.refusal) attributes[RECEIPT_ATTR.refusal] = receipt.refusal.code;
    const status: SpanStatus = receipt.accepted ? UNSET : { code: SpanStatusCode.ERROR, message: receipt.refusal?.reason ?? "refused" };
    const name = rec.intent === undefined ? `receipt ${rec.kind}` : `receipt ${rec.kind} ${rec.intent}`;
    this.emit(name, SpanKind.CONSUMER, attributes, status, at, rec.kind === "request" ? rec.id : rec.authority?.[0]);
    this.receipts++;
  }

  /** Exports everything queued so far. */
  async flush(): Promise<void> {
    await this.processor?.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.processor?.shutdown();
  }

  private emit(name: string, kind: SpanKind, attributes: Attributes, status: SpanStatus, at: number, root: string | undefined): void {
    const time = hrTime(at);
    if (this.tracer !== null) {
      const span = this.tracer.startSpan(name, { kind, startTime: time }, context.active());
      // Set after the start: given to startSpan they would be sanitized twice more.
      span.setAttributes(attributes);
      if (status !== UNSET) span.setStatus(status);
      span.end(time);
      return;
    }
    const parent = trace.getSpanContext(context.active());
    const inParent = parent !== undefined && isSpanContextValid(parent);
    const spanContext: SpanContext = {
      traceId: inParent ? parent.traceId : this.traceIdFor(root),
      spanId: this.hex(8),
      traceFlags: TraceFlags.SAMPLED,
    };
    this.processor?.onEnd(new FinishedSpan(name, kind, spanContext, inParent ? parent : undefined, time, status, attributes, this.resource));
  }

  private traceIdFor(root: string | undefined): string {
    if (root === undefined) return this.hex(16);
    let id = this.traces.get(root);
    if (id === undefined) {
      id = createHash("sha256").update(`firebreak trace ${root}`).digest("hex").slice(0, 32);
      this.traces.set(root, id);
    }
    return id;
  }
}

/** A span that is over before anyone sees it: what the processor and exporter read. */
class FinishedSpan implements ReadableSpan {
  readonly endTime: HrTime;
  readonly links: Link[] = NO_LINKS;
  readonly events: TimedEvent[] = NO_EVENTS;
  readonly duration: HrTime = ZERO;
  readonly ended = true;
  readonly instrumentationScope = INSTRUMENTATION_SCOPE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;

  constructor(
    readonly name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly startTime: HrTime,
    readonly status: SpanStatus,
    readonly attributes: Attributes,
    readonly resource: Resource,
  ) {
    this.endTime = startTime;
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/**
 * Milliseconds since the epoch as [seconds, nanoseconds]. Given a bare number
 * the SDK takes anything below its own uptime for a performance.now() reading,
 * which an injected (simulated) clock can be.
 */
export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
