// 64-bit integers. protobufjs hands them over as Long ({low, high}); OTLP/JSON
// sends a decimal string or a number (the protobuf JSON mapping allows both).
import { SpanProblem, describe, quote } from "./span-problem.ts";

interface LongBits {
  low: number;
  high: number;
}

function isLongBits(v: unknown): v is LongBits {
  return typeof v === "object" && v !== null && typeof (v as LongBits).low === "number" && typeof (v as LongBits).high === "number";
}

const TWO_32 = 4294967296;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UNSIGNED_DIGITS = /^\d{1,20}$/;
const SIGNED_DIGITS = /^-?\d{1,19}$/;

/** A fixed64 such as a timestamp in nanoseconds; absent is 0. */
export function readUint64(value: unknown, json: boolean, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (!json && isLongBits(value)) return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 18446744073709551615) return BigInt(value);
    throw new SpanProblem(path, `must be an unsigned 64-bit integer, got ${value}`);
  }
  if (json && typeof value === "string") {
    if (UNSIGNED_DIGITS.test(value)) {
      const n = BigInt(value);
      if (n <= UINT64_MAX) return n;
    }
    throw new SpanProblem(path, `must be an unsigned 64-bit integer as a decimal string, got ${quote(value)}`);
  }
  throw new SpanProblem(path, `must be an unsigned 64-bit integer (a decimal string or a number), got ${describe(value)}`);
}

/** An int64 attribute: a number when it is a safe integer, else its decimal digits. */
export function readInt64(value: unknown, json: boolean, path: string): number | string {
  if (!json && isLongBits(value)) {
    const { high, low } = value;
    // Exact while |high| <= 2^21, i.e. |value| <= 2^53.
    if (high >= -0x200000 && high <= 0x200000) {
      const n = high * TWO_32 + (low >>> 0);
      if (Number.isSafeInteger(n)) return n;
    }
    return (BigInt(high | 0) * 4294967296n + BigInt(low >>> 0)).toString();
  }
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value + 0; // + 0 turns -0 into 0
    if (Number.isInteger(value) && value >= -9223372036854775808 && value <= 9223372036854775807) {
      return BigInt(value).toString();
    }
    throw new SpanProblem(path, `must be a 64-bit integer, got ${value}`);
  }
  if (json && typeof value === "string") {
    if (SIGNED_DIGITS.test(value)) {
      // Up to 15 digits is always a safe integer: skip the BigInt.
      if (value.length <= (value.startsWith("-") ? 16 : 15)) return Number(value) + 0;
      const n = BigInt(value);
      if (n >= INT64_MIN && n <= INT64_MAX) {
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
      }
    }
    throw new SpanProblem(path, `must be a 64-bit integer as a decimal string, got ${quote(value)}`);
  }
  throw new SpanProblem(path, `must be a 64-bit integer (a decimal string or a number), got ${describe(value)}`);
}
