// The span as the rest of Firebreak sees it, whichever encoding it came in.

/** Structurally identical to lib/protocol/attributes.ts, on purpose (neither folder imports the other). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface DecodedSpan {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** 16 lowercase hex characters, not all zero. */
  spanId: string;
  /** Null for a root span (empty or all-zero parent id). */
  parentSpanId: string | null;
  name: string;
  /** SpanKind as sent; 0 when absent. Unknown values are kept (proto3 open enum). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /**
   * int64 is a number when it is a safe integer, else a string of digits;
   * bytes are standard base64; a non-finite double is "NaN", "Infinity" or "-Infinity".
   */
  attributes: Record<string, AttributeValue>;
  statusCode: number;
  statusMessage: string;
  /** The resource attribute service.name when it is a string. */
  serviceName: string | null;
  /** Shared by every span of one resource: treat as read-only. */
  resourceAttributes: Record<string, AttributeValue>;
  /** Null when the scope is absent or its name is empty. */
  scopeName: string | null;
}

/** A span refused on its own; the rest of the request is kept. */
export interface RejectedSpan {
  /** Where the problem is, e.g. "resourceSpans[0].scopeSpans[1].spans[3].traceId". */
  path: string;
  /** What is wrong, said so the sender can fix it. */
  reason: string;
}

export interface DecodeResult {
  spans: DecodedSpan[];
  rejected: RejectedSpan[];
}
