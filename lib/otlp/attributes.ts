// KeyValue lists and AnyValue, from either encoding, into plain values, under
// the limits. Both encodings reach here with the same lowerCamelCase field
// names (protobufjs message objects or parsed OTLP/JSON); `json` says which
// representation a scalar must have (Long vs decimal string, bytes vs base64).
import type { AttributeValue } from "./decoded-span.ts";
import type { OtlpLimits } from "./limits.ts";
import { SpanProblem, describe, isObject, quote, type JsonObject } from "./span-problem.ts";
import { readInt64 } from "./int64.ts";

export interface AttributeContext {
  json: boolean;
  limits: OtlpLimits;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A KeyValue list (span or resource attributes). Absent is empty. */
export function readAttributes(list: unknown, ctx: AttributeContext, path: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new SpanProblem(path, `must be an array of {key, value}, got ${describe(list)}`);
  const max = ctx.limits.maxAttributesPerSpan;
  if (list.length > max) throw new SpanProblem(path, `has ${list.length} attributes, more than the limit of ${max}`);
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    if (!isObject(kv)) throw new SpanProblem(`${path}[${i}]`, `must be an object {key, value}, got ${describe(kv)}`);
    const key = kv.key;
    if (typeof key !== "string" || key === "") {
      throw new SpanProblem(`${path}[${i}].key`, `must be a non-empty string, got ${typeof key === "string" ? "an empty string" : describe(key)}`);
    }
    if (Object.hasOwn(out, key)) throw new SpanProblem(`${path}[${i}].key`, `duplicate attribute key ${quote(key)}`);
    setKey(out, key, readAnyValue(kv.value, 0, ctx, `${path}[${i}].value`));
  }
  return out;
}

/**
 * One AnyValue. `depth` counts the arrays/kvlists around it. Recursion is
 * bounded by maxAttributeDepth, itself capped at MAX_ATTRIBUTE_DEPTH_CEILING,
 * and protobufjs refuses messages nested deeper than 100 before we get here.
 */
function readAnyValue(v: unknown, depth: number, ctx: AttributeContext, path: string): AttributeValue {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) {
    throw new SpanProblem(path, `must be an AnyValue object such as {"stringValue": "..."}, got ${describe(v)}`);
  }
  if (has(v, "stringValue")) return readString(v.stringValue, ctx, `${path}.stringValue`);
  if (has(v, "intValue")) return readInt64(v.intValue, ctx.json, `${path}.intValue`);
  if (has(v, "boolValue")) {
    if (typeof v.boolValue !== "boolean") throw new SpanProblem(`${path}.boolValue`, `must be a boolean, got ${describe(v.boolValue)}`);
    return v.boolValue;
  }
  if (has(v, "doubleValue")) return readDouble(v.doubleValue, ctx.json, `${path}.doubleValue`);
  if (has(v, "arrayValue")) return readArray(v.arrayValue, depth + 1, ctx, `${path}.arrayValue`);
  if (has(v, "kvlistValue")) return readKvlist(v.kvlistValue, depth + 1, ctx, `${path}.kvlistValue`);
  if (has(v, "bytesValue")) return readBytes(v.bytesValue, ctx, `${path}.bytesValue`);
  return null; // an empty AnyValue
}

// Own property and not null: protobufjs keeps proto3 defaults on the prototype,
// and the protobuf JSON mapping reads null as "not set".
function has(v: JsonObject, field: string): boolean {
  return Object.hasOwn(v, field) && v[field] !== null;
}

function readString(s: unknown, ctx: AttributeContext, path: string): string {
  if (typeof s !== "string") throw new SpanProblem(path, `must be a string, got ${describe(s)}`);
  const max = ctx.limits.maxAttributeValueLength;
  if (s.length > max) throw new SpanProblem(path, `string of ${s.length} characters is longer than the limit of ${max}`);
  return s;
}

function readDouble(d: unknown, json: boolean, path: string): number | string {
  if (typeof d === "number") return Number.isFinite(d) ? d : String(d);
  // The protobuf JSON mapping spells non-finite doubles as strings and allows numeric strings.
  if (json && typeof d === "string") {
    if (d === "NaN" || d === "Infinity" || d === "-Infinity") return d;
    const n = Number(d);
    if (d.trim() !== "" && Number.isFinite(n)) return n;
  }
  throw new SpanProblem(path, `must be a number, got ${typeof d === "string" ? quote(d) : describe(d)}`);
}

function enterContainer(container: unknown, depth: number, ctx: AttributeContext, path: string, kind: string): unknown[] {
  const max = ctx.limits.maxAttributeDepth;
  if (depth > max) throw new SpanProblem(path, `nested ${depth} levels deep, more than the limit of ${max}`);
  if (!isObject(container)) throw new SpanProblem(path, `must be an object {"values": [...]} (${kind}), got ${describe(container)}`);
  const values = container.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new SpanProblem(`${path}.values`, `must be an array, got ${describe(values)}`);
  return values;
}

function readArray(container: unknown, depth: number, ctx: AttributeContext, path: string): AttributeValue[] {
  const values = enterContainer(container, depth, ctx, path, "ArrayValue");
  const out: AttributeValue[] = new Array<AttributeValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = readAnyValue(values[i], depth, ctx, `${path}.values[${i}]`);
  return out;
}

function readKvlist(container: unknown, depth: number, ctx: AttributeContext, path: string): { [key: string]: AttributeValue } {
  const values = enterContainer(container, depth, ctx, path, "KeyValueList");
  const out: { [key: string]: AttributeValue } = {};
  for (let i = 0; i < values.length; i++) {
    const kv: unknown = values[i];
    const at = `${path}.values[${i}]`;
    if (!isObject(kv)) throw new SpanProblem(at, `must be an object {key, value}, got ${describe(kv)}`);
    const key = kv.key ?? "";
    if (typeof key !== "string") throw new SpanProblem(`${at}.key`, `must be a string, got ${describe(key)}`);
    if (Object.hasOwn(out, key)) throw new SpanProblem(`${at}.key`, `duplicate key ${quote(key)}`);
    setKey(out, key, readAnyValue(kv.value, depth, ctx, `${at}.value`));
  }
  return out;
}

function readBytes(b: unknown, ctx: AttributeContext, path: string): string {
  const max = ctx.limits.maxAttributeValueLength;
  let buf: Buffer;
  if (!ctx.json && b instanceof Uint8Array) {
    buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  } else if (ctx.json && typeof b === "string") {
    if (!BASE64.test(b)) throw new SpanProblem(path, "must be base64");
    buf = Buffer.from(b, "base64");
  } else {
    throw new SpanProblem(path, `must be ${ctx.json ? "a base64 string" : "bytes"}, got ${describe(b)}`);
  }
  if (buf.length > max) throw new SpanProblem(path, `${buf.length} bytes is longer than the limit of ${max}`);
  return buf.toString("base64");
}

/** Assignment that treats "__proto__" as a key like any other, not as the prototype. */
function setKey(target: Record<string, AttributeValue>, key: string, value: AttributeValue): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
