// What goes wrong inside one span (or the resource/scope it belongs to).
// Thrown by the field converters and caught once per span, where it becomes a
// RejectedSpan; it never leaves lib/otlp. Not an Error: no stack is needed.

export class SpanProblem {
  constructor(
    /** Path of the bad field, relative to the span ("" for the span itself). */
    readonly path: string,
    readonly reason: string,
  ) {}
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** "a string", "an array", "null": the type of a value as an error message says it. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "bytes";
  const t = typeof v;
  return t === "object" || t === "undefined" ? `an ${t}` : `a ${t}`;
}

/** A value quoted for an error message, cut so a hostile one cannot flood the response. */
export function quote(v: string, max = 40): string {
  return JSON.stringify(v.length > max ? `${v.slice(0, max)}...` : v);
}
