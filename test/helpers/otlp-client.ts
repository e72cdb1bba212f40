// Sends firebreak/1 records the way agents do: as real OpenTelemetry spans
// through the real OTLP/HTTP exporters (protobuf or JSON).
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { ExportResultCode } from "@opentelemetry/core";
import type { WireRecord } from "../../lib/protocol/record.ts";
import { attributesFromRecord } from "../../lib/protocol/span-to-record.ts";

export type Encoding = "protobuf" | "json";

/** Ends one span per record (optionally as children of one parent span) and returns them. */
export function spansFor(records: WireRecord[], service = "test-agent"): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("firebreak-test");
  for (const rec of records) {
    tracer.startSpan(`${rec.kind} ${rec.intent ?? ""}`.trim(), { attributes: attributesFromRecord(rec) }).end();
  }
  return memory.getFinishedSpans();
}

export function exporterFor(url: string, token: string, encoding: Encoding = "protobuf"): ProtoExporter | JsonExporter {
  const config = { url, headers: { Authorization: `Bearer ${token}` }, timeoutMillis: 20_000 };
  return encoding === "protobuf" ? new ProtoExporter(config) : new JsonExporter(config);
}

/** Exports spans and resolves with whether the collector acknowledged them. */
export function exportSpans(exporter: ProtoExporter | JsonExporter, spans: ReadableSpan[]): Promise<{ ok: boolean; error?: Error }> {
  return new Promise((resolve) => {
    exporter.export(spans, (result) => {
      resolve({ ok: result.code === ExportResultCode.SUCCESS, error: result.error });
    });
  });
}

export async function sendRecords(url: string, token: string, records: WireRecord[], encoding: Encoding = "protobuf"): Promise<ReadableSpan[]> {
  const spans = spansFor(records);
  const exporter = exporterFor(url, token, encoding);
  const result = await exportSpans(exporter, spans);
  await exporter.shutdown();
  if (!result.ok) throw new Error(`export failed: ${result.error?.message ?? "unknown"}`);
  return spans;
}
