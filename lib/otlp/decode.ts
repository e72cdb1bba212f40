// decodeTraceRequest: the bytes of one OTLP/HTTP trace request, protobuf or
// OTLP/JSON, into DecodedSpans plus the spans refused one by one. A body that
// cannot be decoded at all throws OtlpDecodeError (400).
import type { BodyFormat } from "./body.ts";
import type { DecodeResult } from "./decoded-span.ts";
import { OtlpDecodeError } from "./errors.ts";
import { DEFAULT_OTLP_LIMITS, type OtlpLimits } from "./limits.ts";
import { normalizeTraceRequest } from "./normalize.ts";
import { otlpSchema } from "./schema.ts";

export function decodeTraceRequest(body: Uint8Array, format: BodyFormat, limits: OtlpLimits = DEFAULT_OTLP_LIMITS): DecodeResult {
  const schema = otlpSchema();
  const json = format === "json";
  const request = json ? parseJson(body) : parseProtobuf(body);
  return normalizeTraceRequest(request, {
    json,
    limits,
    spanKinds: schema.spanKinds,
    statusCodes: schema.statusCodes,
  });
}

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function parseProtobuf(body: Uint8Array): unknown {
  try {
    // A Buffer makes protobufjs hand out bytes fields as Buffer views (no copy,
    // native hex) and decode strings natively.
    return otlpSchema().exportTraceServiceRequest.decode(asBuffer(body));
  } catch (e) {
    const detail = (e as Error).message;
    const hint = detail.includes("nesting depth")
      ? "messages are nested deeper than the protobuf limit of 100"
      : `${detail}; a truncated body, or JSON sent as application/x-protobuf?`;
    throw new OtlpDecodeError(`the body is not a protobuf ExportTraceServiceRequest: ${hint}`);
  }
}

function parseJson(body: Uint8Array): unknown {
  let text = asBuffer(body).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`the body is not valid JSON: ${(e as Error).message}`);
  }
}
