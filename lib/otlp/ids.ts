// Trace and span ids: bytes in protobuf, hex strings in OTLP/JSON (the OTLP
// spec departs from the protobuf JSON mapping here: ids are never base64).
import { SpanProblem, describe, quote } from "./span-problem.ts";

const HEX = /^[0-9a-fA-F]+$/;
const ZEROS = /^0+$/;

export type IdKind = "trace" | "span";

const BYTES: Record<IdKind, number> = { trace: 16, span: 8 };

/** Lowercase hex of a required trace or span id. */
export function readId(value: unknown, kind: IdKind, json: boolean, path: string): string {
  const hex = read(value, kind, json, path, false);
  if (hex === null) throw new SpanProblem(path, `is required: a ${kind} id of ${BYTES[kind]} bytes`);
  return hex;
}

/** A parent span id: null when absent or all zero (a root span). */
export function readParentId(value: unknown, json: boolean, path: string): string | null {
  return read(value, "span", json, path, true);
}

function read(value: unknown, kind: IdKind, json: boolean, path: string, optional: boolean): string | null {
  const bytes = BYTES[kind];
  if (isEmpty(value)) return null;
  let hex: string;
  if (!json && value instanceof Uint8Array) {
    if (value.length !== bytes) throw new SpanProblem(path, `must be ${bytes} bytes, got ${value.length}`);
    hex = toHex(value);
  } else if (json && typeof value === "string") {
    if (value.length !== bytes * 2) {
      const base64 = value.length === Math.ceil(bytes / 3) * 4 ? " (OTLP/JSON ids are hex, not base64)" : "";
      throw new SpanProblem(path, `must be ${bytes * 2} hex characters, got ${value.length}${base64}`);
    }
    if (!HEX.test(value)) throw new SpanProblem(path, `must be ${bytes * 2} hex characters [0-9a-f], got ${quote(value)}`);
    hex = value.toLowerCase();
  } else {
    throw new SpanProblem(path, `must be ${json ? "a hex string" : "bytes"}, got ${describe(value)}`);
  }
  if (ZEROS.test(hex)) {
    if (optional) return null;
    throw new SpanProblem(path, `must not be all zeros (an invalid ${kind} id)`);
  }
  return hex;
}

// protobufjs leaves an unset bytes field at its prototype default, an empty array.
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || ((v instanceof Uint8Array || Array.isArray(v)) && v.length === 0);
}

function toHex(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString("hex");
}
