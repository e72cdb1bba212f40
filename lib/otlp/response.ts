// What the collector answers, in the encoding the request came in (the
// OTLP/HTTP spec ties the response's Content-Type to the request's).
// Success: ExportTraceServiceResponse, with partial_success when spans were
// rejected or there is a warning. Failure: a google.rpc.Status.
import type { BodyFormat } from "./body.ts";
import { otlpSchema } from "./schema.ts";

const EMPTY = new Uint8Array(0);

/**
 * An ExportTraceServiceResponse. Full success with nothing to say is the empty
 * message; otherwise partial_success carries the count and the message.
 */
export function encodeExportResponse(format: BodyFormat, rejectedSpans: number, errorMessage: string): Uint8Array {
  if (!Number.isSafeInteger(rejectedSpans) || rejectedSpans < 0) {
    throw new RangeError(`rejectedSpans must be a non-negative integer, got ${rejectedSpans}`);
  }
  const partial = rejectedSpans > 0 || errorMessage !== "";
  if (format === "json") {
    // The protobuf JSON mapping writes int64 as a decimal string; receivers accept both.
    const body = partial ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (!partial) return EMPTY;
  const type = otlpSchema().exportTraceServiceResponse;
  return type.encode(type.create({ partialSuccess: { rejectedSpans, errorMessage } })).finish();
}

/**
 * The error body for an HTTP status: google.rpc.Status {code, message}, with
 * the gRPC code that corresponds to the HTTP status.
 */
export function encodeErrorStatus(format: BodyFormat, httpStatus: number, message: string): Uint8Array {
  const code = grpcCodeFor(httpStatus);
  if (format === "json") return Buffer.from(JSON.stringify({ code, message }));
  const type = otlpSchema().rpcStatus;
  return type.encode(type.create({ code, message })).finish();
}

/** google.rpc.Code numbers, after the mapping in googleapis google/rpc/code.proto. */
export const GRPC_CODE = {
  OK: 0,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function grpcCodeFor(httpStatus: number): number {
  switch (httpStatus) {
    case 200:
      return GRPC_CODE.OK;
    case 400:
    case 415:
      return GRPC_CODE.INVALID_ARGUMENT;
    case 401:
      return GRPC_CODE.UNAUTHENTICATED;
    case 403:
      return GRPC_CODE.PERMISSION_DENIED;
    case 404:
      return GRPC_CODE.NOT_FOUND;
    case 405:
    case 501:
      return GRPC_CODE.UNIMPLEMENTED;
    case 409:
      return GRPC_CODE.ALREADY_EXISTS;
    // gRPC itself answers an oversized message with RESOURCE_EXHAUSTED.
    case 413:
    case 429:
      return GRPC_CODE.RESOURCE_EXHAUSTED;
    case 500:
      return GRPC_CODE.INTERNAL;
    case 502:
    case 503:
      return GRPC_CODE.UNAVAILABLE;
    case 504:
      return GRPC_CODE.DEADLINE_EXCEEDED;
    default:
      return httpStatus >= 400 && httpStatus < 500 ? GRPC_CODE.INVALID_ARGUMENT : GRPC_CODE.UNKNOWN;
  }
}
