// Fixture factories for OTLP trace requests. A request is described once,
// format-neutrally, and encoded as protobuf (with the decoder's own protobufjs
// types) or as OTLP/JSON (hex ids, int64 as decimal strings). Tests break a
// span on purpose with `raw`: fields merged over the encoded span as they are.
import protobuf from "protobufjs";
import { otlpSchema } from "@/lib/otlp/schema.ts";
import type { BodyFormat } from "@/lib/otlp/body.ts";

export type AnyValueFixture =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: bigint | number }
  | { doubleValue: number }
  | { bytesValue: Uint8Array }
  | { arrayValue: { values: AnyValueFixture[] } }
  | { kvlistValue: { values: KeyValueFixture[] } }
  | Record<string, never>;

export interface KeyValueFixture {
  key: string;
  value: AnyValueFixture;
}

export interface SpanFixture {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValueFixture[];
  status?: { code: number; message: string };
  /** Fields written over the encoded span as they are, to break it on purpose. */
  raw?: Record<string, unknown>;
}

export interface ScopeSpansFixture {
  scope?: { name: string; version?: string };
  spans: SpanFixture[];
}

export interface ResourceSpansFixture {
  resource?: { attributes: KeyValueFixture[] };
  scopeSpans: ScopeSpansFixture[];
}

export interface RequestFixture {
  resourceSpans: ResourceSpansFixture[];
}

export const str = (stringValue: string): AnyValueFixture => ({ stringValue });
export const int = (intValue: bigint | number): AnyValueFixture => ({ intValue });
export const bool = (boolValue: boolean): AnyValueFixture => ({ boolValue });
export const dbl = (doubleValue: number): AnyValueFixture => ({ doubleValue });
export const bytes = (bytesValue: Uint8Array): AnyValueFixture => ({ bytesValue });
export const arr = (...values: AnyValueFixture[]): AnyValueFixture => ({ arrayValue: { values } });
export const kvlist = (...values: KeyValueFixture[]): AnyValueFixture => ({ kvlistValue: { values } });
export const empty = (): AnyValueFixture => ({});
export const attr = (key: string, value: AnyValueFixture): KeyValueFixture => ({ key, value });

/** An array nested `depth` levels deep around a single string. */
export function nestedArray(depth: number): AnyValueFixture {
  let v: AnyValueFixture = str("leaf");
  for (let i = 0; i < depth; i++) v = arr(v);
  return v;
}

/** 2024-11-21T00:00:00Z in nanoseconds: well past 2^53. */
export const T0 = 1_732_147_200_000_000_000n;

/** Deterministic ids: span n of trace t. */
export function traceIdFor(t: number): string {
  return `4bf92f3577b34da6a3ce929d${(t + 1).toString(16).padStart(8, "0")}`;
}
export function spanIdFor(n: number): string {
  return `00f067aa${(n + 1).toString(16).padStart(8, "0")}`;
}

export function makeSpan(overrides: Partial<SpanFixture> = {}, n = 0): SpanFixture {
  return {
    traceId: traceIdFor(0),
    spanId: spanIdFor(n),
    name: `span-${n}`,
    kind: 1,
    startTimeUnixNano: T0 + BigInt(n) * 1_000_000n,
    endTimeUnixNano: T0 + BigInt(n) * 1_000_000n + 500_123n,
    attributes: [attr("gen_ai.agent.id", str("planner"))],
    ...overrides,
  };
}

/** Thirteen attributes of the kinds an agent span carries. */
export function typicalAttributes(n: number): KeyValueFixture[] {
  return [
    attr("firebreak.kind", str("message")),
    attr("firebreak.id", str(`rec-${n}`)),
    attr("firebreak.agent", str("planner")),
    attr("firebreak.to", arr(str("executor"), str("reviewer"))),
    attr("firebreak.intent", str("task.assign")),
    attr("firebreak.protocol", str("firebreak/1")),
    attr("firebreak.timestamp", str("2024-11-21T00:00:00.000Z")),
    attr("firebreak.nonce", str("q2V7bXlH0a9QZk3xWm4c8A")),
    attr("firebreak.payload", str(`{"task":"summarize","n":${n}}`)),
    attr("firebreak.signature", str("ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3RzLW9ubHktMDEyMzQ1Njc4OQ")),
    attr("gen_ai.agent.id", str("planner")),
    attr("gen_ai.usage.input_tokens", int(1234 + n)),
    attr("llm.temperature", dbl(0.2)),
  ];
}

export function makeRequest(
  spans: SpanFixture[],
  opts: { resourceAttributes?: KeyValueFixture[]; scopeName?: string } = {},
): RequestFixture {
  return {
    resourceSpans: [
      {
        resource: { attributes: opts.resourceAttributes ?? [attr("service.name", str("agent-planner"))] },
        scopeSpans: [{ scope: { name: opts.scopeName ?? "firebreak-guard", version: "0.1.0" }, spans }],
      },
    ],
  };
}

// ---- encoding ----

function anyValueObject(v: AnyValueFixture, json: boolean): Record<string, unknown> {
  if ("intValue" in v) {
    const i = v.intValue;
    return { intValue: typeof i === "bigint" ? i.toString() : i };
  }
  if ("bytesValue" in v) return { bytesValue: json ? Buffer.from(v.bytesValue).toString("base64") : Buffer.from(v.bytesValue) };
  if ("arrayValue" in v) return { arrayValue: { values: v.arrayValue.values.map((x) => anyValueObject(x, json)) } };
  if ("kvlistValue" in v) return { kvlistValue: { values: keyValues(v.kvlistValue.values, json) } };
  return { ...v };
}

function keyValues(list: KeyValueFixture[], json: boolean): Record<string, unknown>[] {
  return list.map((kv) => ({ key: kv.key, value: anyValueObject(kv.value, json) }));
}

function id(hex: string, json: boolean): string | Buffer {
  return json ? hex : Buffer.from(hex, "hex");
}

function spanObject(s: SpanFixture, json: boolean): Record<string, unknown> {
  return {
    traceId: id(s.traceId, json),
    spanId: id(s.spanId, json),
    ...(s.parentSpanId === undefined ? {} : { parentSpanId: id(s.parentSpanId, json) }),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    attributes: keyValues(s.attributes, json),
    ...(s.status ? { status: s.status } : {}),
    ...s.raw,
  };
}

/** The request as the object an encoder takes: protobufjs shape, or OTLP/JSON. */
export function requestObject(req: RequestFixture, format: BodyFormat): Record<string, unknown> {
  const json = format === "json";
  return {
    resourceSpans: req.resourceSpans.map((rs) => ({
      ...(rs.resource ? { resource: { attributes: keyValues(rs.resource.attributes, json) } } : {}),
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...(ss.scope ? { scope: ss.scope } : {}),
        spans: ss.spans.map((s) => spanObject(s, json)),
      })),
    })),
  };
}

/**
 * Bytes of an object: JSON text, or protobufjs fromObject + encode. Backed by
 * a plain ArrayBuffer, so fetch() takes them as a body.
 */
export function encodeObject(obj: unknown, format: BodyFormat): Uint8Array<ArrayBuffer> {
  if (format === "json") return Buffer.from(JSON.stringify(obj));
  const type = otlpSchema().exportTraceServiceRequest;
  return new Uint8Array(type.encode(type.fromObject(obj as Record<string, unknown>)).finish());
}

export function encodeRequest(req: RequestFixture, format: BodyFormat): Uint8Array<ArrayBuffer> {
  return encodeObject(requestObject(req, format), format);
}

/** A request of n spans over `traces` traces, each span with the thirteen typical attributes. */
export function bulkRequest(n: number, traces = 10): RequestFixture {
  const spans: SpanFixture[] = [];
  for (let i = 0; i < n; i++) {
    spans.push(makeSpan({ traceId: traceIdFor(i % traces), attributes: typicalAttributes(i) }, i));
  }
  return makeRequest(spans);
}

/** A length-delimited protobuf field: tag (field number, wire type 2), length, bytes. */
function lenField(field: number, payload: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((field << 3) | 2).bytes(payload).finish();
}

/**
 * Protobuf bytes of a one-span request whose only attribute is an array nested
 * `depth` levels deep. Built by hand: protobufjs's own encoder refuses to go
 * past its recursion limit, and a hostile sender is not so polite.
 */
export function deeplyNestedProtobuf(depth: number): Uint8Array {
  // Every level is a pure prefix (tag + length), so collect the prefixes from
  // the inside out and join once: wrapping the bytes level by level is quadratic.
  const leaf = lenField(1, Buffer.from("leaf")); // AnyValue.string_value = 1
  const prefixes: Uint8Array[] = [];
  let size = leaf.length;
  for (let i = 0; i < depth; i++) {
    for (const field of [1, 5]) {
      // ArrayValue.values = 1 { AnyValue }, then AnyValue.array_value = 5 { ArrayValue }
      const prefix = protobuf.Writer.create().uint32((field << 3) | 2).uint32(size).finish();
      prefixes.push(prefix);
      size += prefix.length;
    }
  }
  const anyValue = Buffer.concat([...prefixes.reverse(), leaf]);
  const keyValue = Buffer.concat([lenField(1, Buffer.from("abyss")), lenField(2, anyValue)]);
  const spanType = otlpSchema().exportTraceServiceRequest.lookupType("opentelemetry.proto.trace.v1.Span");
  const span = spanType.encode(spanType.fromObject({ traceId: Buffer.from(traceIdFor(0), "hex"), spanId: Buffer.from(spanIdFor(0), "hex") })).finish();
  // Repeated fields may be appended: Span.attributes = 9.
  const fullSpan = Buffer.concat([span, lenField(9, keyValue)]);
  // ExportTraceServiceRequest.resource_spans = 1 { ResourceSpans.scope_spans = 2 { ScopeSpans.spans = 2 } }
  return lenField(1, lenField(2, lenField(2, fullSpan)));
}
