// Walks an ExportTraceServiceRequest (protobufjs message objects or parsed
// OTLP/JSON: both use lowerCamelCase field names) into DecodedSpans. The
// envelope (resourceSpans / scopeSpans / spans containers) must be well formed
// or the whole request is refused; anything inside a span, its resource or its
// scope only costs the spans concerned.
import type { AttributeValue, DecodeResult, DecodedSpan, RejectedSpan } from "./decoded-span.ts";
import { OtlpDecodeError } from "./errors.ts";
import { readAttributes, type AttributeContext } from "./attributes.ts";
import { readId, readParentId } from "./ids.ts";
import { readUint64 } from "./int64.ts";
import type { OtlpLimits } from "./limits.ts";
import { SpanProblem, describe, isObject, quote, type JsonObject } from "./span-problem.ts";

export interface NormalizeContext extends AttributeContext {
  limits: OtlpLimits;
  spanKinds: ReadonlyMap<string, number>;
  statusCodes: ReadonlyMap<string, number>;
}

interface SharedInfo {
  resourceAttributes: Record<string, AttributeValue>;
  serviceName: string | null;
  scopeName: string | null;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function normalizeTraceRequest(request: unknown, ctx: NormalizeContext): DecodeResult {
  const resourceSpans = checkEnvelope(request, ctx);
  const spans: DecodedSpan[] = [];
  const rejected: RejectedSpan[] = [];

  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r] as JsonObject;
    const rPath = `resourceSpans[${r}]`;
    let resourceProblem: RejectedSpan | null = null;
    let resourceAttributes: Record<string, AttributeValue> = {};
    try {
      const resource = rs.resource as JsonObject | null | undefined;
      resourceAttributes = readAttributes(resource?.attributes, ctx, `${rPath}.resource.attributes`);
    } catch (e) {
      resourceProblem = asRejected(e, "");
    }
    const service = resourceAttributes["service.name"];
    const serviceName = typeof service === "string" ? service : null;

    const scopeSpans = asList(rs.scopeSpans);
    for (let s = 0; s < scopeSpans.length; s++) {
      const ss = scopeSpans[s] as JsonObject;
      const sPath = `${rPath}.scopeSpans[${s}]`;
      let problem = resourceProblem;
      let scopeName: string | null = null;
      if (!problem) {
        try {
          scopeName = readScopeName(ss.scope as JsonObject | null | undefined, `${sPath}.scope.name`);
        } catch (e) {
          problem = asRejected(e, "");
        }
      }
      const shared: SharedInfo = { resourceAttributes, serviceName, scopeName };
      const list = asList(ss.spans);
      for (let i = 0; i < list.length; i++) {
        if (problem) {
          rejected.push({ path: problem.path, reason: `${problem.reason}; every span under it is rejected` });
          continue;
        }
        try {
          spans.push(readSpan(list[i], shared, ctx));
        } catch (e) {
          rejected.push(asRejected(e, `${sPath}.spans[${i}]`));
        }
      }
    }
  }
  return { spans, rejected };
}

function asRejected(e: unknown, prefix: string): RejectedSpan {
  if (!(e instanceof SpanProblem)) throw e;
  const path = prefix === "" ? e.path : e.path === "" ? prefix : `${prefix}.${e.path}`;
  return { path, reason: e.reason };
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Checks the containers and counts the spans before any span is converted, so
 * an oversized request is refused before it costs anything. Returns resourceSpans.
 */
function checkEnvelope(request: unknown, ctx: NormalizeContext): unknown[] {
  if (!isObject(request)) {
    throw new OtlpDecodeError(`the body must be an ExportTraceServiceRequest object {"resourceSpans": [...]}, got ${describe(request)}`);
  }
  const resourceSpans = containerList(request, "resourceSpans", "resource_spans", "", ctx.json);
  let count = 0;
  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r];
    const rPath = `resourceSpans[${r}]`;
    if (!isObject(rs)) throw new OtlpDecodeError(`${rPath}: must be a ResourceSpans object, got ${describe(rs)}`);
    if (rs.resource != null && !isObject(rs.resource)) {
      throw new OtlpDecodeError(`${rPath}.resource: must be a Resource object, got ${describe(rs.resource)}`);
    }
    const scopeSpans = containerList(rs, "scopeSpans", "scope_spans", `${rPath}.`, ctx.json);
    for (let s = 0; s < scopeSpans.length; s++) {
      const ss = scopeSpans[s];
      const sPath = `${rPath}.scopeSpans[${s}]`;
      if (!isObject(ss)) throw new OtlpDecodeError(`${sPath}: must be a ScopeSpans object, got ${describe(ss)}`);
      if (ss.scope != null && !isObject(ss.scope)) {
        throw new OtlpDecodeError(`${sPath}.scope: must be an InstrumentationScope object, got ${describe(ss.scope)}`);
      }
      count += containerList(ss, "spans", "spans", `${sPath}.`, ctx.json).length;
    }
  }
  const max = ctx.limits.maxSpansPerRequest;
  if (count > max) {
    throw new OtlpDecodeError(
      `the request carries ${count} spans, more than the limit of ${max} per request; export smaller batches ` +
        `(OpenTelemetry SDK: BatchSpanProcessor maxExportBatchSize / OTEL_BSP_MAX_EXPORT_BATCH_SIZE)`,
    );
  }
  return resourceSpans;
}

function containerList(parent: JsonObject, field: string, protoName: string, path: string, json: boolean): unknown[] {
  const v = parent[field];
  if (v === undefined || v === null) {
    // A snake_case body would otherwise be accepted as "no spans" without a word.
    if (json && protoName !== field && parent[protoName] !== undefined) {
      throw new OtlpDecodeError(`${path}${protoName}: OTLP/JSON uses lowerCamelCase field names; send "${field}"`);
    }
    return [];
  }
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${path}${field}: must be an array, got ${describe(v)}`);
  return v;
}

function readScopeName(scope: JsonObject | null | undefined, path: string): string | null {
  const name = scope?.name;
  if (name === undefined || name === null || name === "") return null;
  if (typeof name !== "string") throw new SpanProblem(path, `must be a string, got ${describe(name)}`);
  return name;
}

function readSpan(span: unknown, shared: SharedInfo, ctx: NormalizeContext): DecodedSpan {
  if (!isObject(span)) throw new SpanProblem("", `must be a Span object, got ${describe(span)}`);
  if (ctx.json && span.traceId === undefined && span.trace_id !== undefined) {
    throw new SpanProblem("trace_id", 'OTLP/JSON uses lowerCamelCase field names; send "traceId", "spanId", "parentSpanId", ...');
  }
  const traceId = readId(span.traceId, "trace", ctx.json, "traceId");
  const spanId = readId(span.spanId, "span", ctx.json, "spanId");
  const parentSpanId = readParentId(span.parentSpanId, ctx.json, "parentSpanId");
  const name = span.name ?? "";
  if (typeof name !== "string") throw new SpanProblem("name", `must be a string, got ${describe(name)}`);
  const kind = readEnum(span.kind, ctx.spanKinds, ctx.json, "kind");
  const startTimeUnixNano = readUint64(span.startTimeUnixNano, ctx.json, "startTimeUnixNano");
  const endTimeUnixNano = readUint64(span.endTimeUnixNano, ctx.json, "endTimeUnixNano");
  const attributes = readAttributes(span.attributes, ctx, "attributes");
  let statusCode = 0;
  let statusMessage = "";
  const status = span.status;
  if (status !== undefined && status !== null) {
    if (!isObject(status)) throw new SpanProblem("status", `must be a Status object, got ${describe(status)}`);
    statusCode = readEnum(status.code, ctx.statusCodes, ctx.json, "status.code");
    const message = status.message ?? "";
    if (typeof message !== "string") throw new SpanProblem("status.message", `must be a string, got ${describe(message)}`);
    statusMessage = message;
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    statusCode,
    statusMessage,
    serviceName: shared.serviceName,
    resourceAttributes: shared.resourceAttributes,
    scopeName: shared.scopeName,
  };
}

/** Proto3 enums are open: any int32 is kept. OTLP/JSON may also send the value's name. */
function readEnum(v: unknown, names: ReadonlyMap<string, number>, json: boolean, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return v;
  if (json && typeof v === "string") {
    const n = names.get(v);
    if (n !== undefined) return n;
    throw new SpanProblem(path, `unknown value ${quote(v)}; send an integer or one of ${[...names.keys()].join(", ")}`);
  }
  throw new SpanProblem(path, `must be an integer enum value, got ${describe(v)}`);
}
