// Where the fleet's spans go. One tracer for every guard in the fleet (a
// 1,000-agent fleet must not open 1,000 exporters), feeding a buffer that the
// runner drains with `flush()` between events: exports are awaited one batch
// at a time, so a slow collector slows the simulation down instead of
// dropping spans the way a full BatchSpanProcessor queue would. A dropped
// record would make the ground truth lie about what Firebreak was sent.
import { context, SpanKind, type Attributes, type Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { AttributeValue } from "../protocol/attributes.ts";
import type { WireRecord } from "../protocol/record.ts";
import { attributesFromRecord, recordFromAttributes } from "../protocol/span-to-record.ts";

export interface SinkStats {
  /** Spans handed to the exporter and acknowledged. */
  exported: number;
  /** Spans in batches the exporter gave up on. */
  failed: number;
  lastError: string | null;
}

class BufferingProcessor implements SpanProcessor {
  readonly buffer: ReadableSpan[] = [];
  constructor(private readonly flushAll: () => Promise<void>) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.buffer.push(span);
  }
  forceFlush(): Promise<void> {
    return this.flushAll();
  }
  shutdown(): Promise<void> {
    return this.flushAll();
  }
}

export interface RecordSinkOptions {
  exporter: SpanExporter;
  /** Spans per export request. */
  batchSize?: number;
  serviceName?: string;
}

export class RecordSink {
  readonly tracer: Tracer;
  readonly stats: SinkStats = { exported: 0, failed: 0, lastError: null };
  readonly batchSize: number;
  private readonly exporter: SpanExporter;
  private readonly provider: BasicTracerProvider;
  private readonly processor: BufferingProcessor;
  private flushing: Promise<void> | null = null;

  constructor(options: RecordSinkOptions) {
    this.exporter = options.exporter;
    this.batchSize = options.batchSize ?? 512;
    this.processor = new BufferingProcessor(() => this.flush());
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": options.serviceName ?? "firebreak-sim" }),
      spanProcessors: [this.processor],
    });
    this.tracer = this.provider.getTracer("firebreak-sim");
  }

  /** Spans waiting to be exported. */
  get pending(): number {
    return this.processor.buffer.length;
  }

  /**
   * Emits a record as-is, not through a guard: what an attacker or a replay
   * sends. Same span shape as the guard's emitter (lib/guard/emitter.ts).
   */
  emitRaw(rec: WireRecord, at: number, service?: string): void {
    const attributes: Attributes = attributesFromRecord(rec);
    if (service !== undefined) attributes["firebreak.sim.sender"] = service;
    const span = this.tracer.startSpan(
      rec.intent === undefined ? rec.kind : `${rec.kind} ${rec.intent}`,
      { kind: rec.kind === "message" ? SpanKind.PRODUCER : SpanKind.INTERNAL, startTime: at, attributes },
      context.active(),
    );
    span.end(at);
  }

  /** Exports everything buffered, one batch at a time. Concurrent callers share one drain. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async shutdown(): Promise<void> {
    await this.flush();
    await this.exporter.shutdown();
  }

  private async drain(): Promise<void> {
    const buffer = this.processor.buffer;
    while (buffer.length > 0) {
      const batch = buffer.splice(0, this.batchSize);
      const result = await new Promise<{ ok: boolean; error?: Error }>((resolve) => {
        this.exporter.export(batch, (r) => resolve({ ok: r.code === ExportResultCode.SUCCESS, ...(r.error ? { error: r.error } : {}) }));
      });
      if (result.ok) this.stats.exported += batch.length;
      else {
        this.stats.failed += batch.length;
        this.stats.lastError = result.error?.message ?? "export failed";
      }
    }
  }
}

/** A sink that exports OTLP/HTTP protobuf to a collector, e.g. http://localhost:4318/v1/traces. */
export function otlpSink(endpoint: string, token: string, batchSize?: number): RecordSink {
  const exporter = new OTLPTraceExporter({ url: endpoint, headers: { Authorization: `Bearer ${token}` }, timeoutMillis: 30_000 });
  return new RecordSink({ exporter, ...(batchSize !== undefined ? { batchSize } : {}) });
}

/** A sink that keeps every span in memory: unit tests and dry runs. */
export function memorySink(): { sink: RecordSink; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { sink: new RecordSink({ exporter }), exporter };
}

/** The firebreak/1 records among `spans` (receipts and other spans are skipped), read the way the collector reads them. */
export function recordsFromSpans(spans: readonly ReadableSpan[]): WireRecord[] {
  const out: WireRecord[] = [];
  for (const span of spans) {
    const attrs: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(span.attributes)) {
      if (v === undefined) continue;
      attrs[k] = Array.isArray(v) ? v.map((x) => (x === undefined ? null : x)) : v;
    }
    const read = recordFromAttributes(attrs);
    if (read !== null && "record" in read) out.push(read.record);
  }
  return out;
}
