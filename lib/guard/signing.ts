// Signing on the guard's hot path. The bytes are exactly those of
// signingInput() in lib/protocol/canonical.ts (test/unit/guard/signing.test.ts
// compares the two on every kind and on awkward payloads), built more cheaply:
// the envelope's keys are fixed and known, so it is concatenated in RFC 8785
// order instead of being canonicalized as a whole, and the payload is
// serialized once, straight into its canonical form, which is then also the
// text the record carries. Canonical JSON is JSON: any reader parses it, and
// the verifier, canonicalizing what it parsed, gets the same bytes back.
import { sign, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { SigningInputError } from "../protocol/canonical.ts";
import { DEFAULT_MAX_JSON_DEPTH } from "../protocol/json-text.ts";
import type { WireRecord } from "../protocol/record.ts";
import { formatSignature } from "../protocol/sign.ts";

export interface PreparedPayload {
  /** What firebreak.payload carries: the canonical form, so also what the signature covers. */
  text: string;
  /** The value was plain data, so it is exactly what JSON.parse(text) gives back (-0 aside, which no schema tells from 0). */
  plain: boolean;
}

// A lone surrogate cannot be canonicalized (the verifier would say bad_signature).
const LONE_SURROGATE = /\p{Cs}/u;
// Printable ASCII without " and \: JSON.stringify would return it quoted and unchanged.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The payload as RFC 8785 canonical JSON. Values without a JSON form are
 * dropped or nulled exactly as JSON.stringify does (undefined, functions,
 * toJSON is honoured); what JSON cannot say is refused with a
 * SigningInputError: NaN and Infinity (JSON.stringify would quietly write
 * null), BigInt, cycles, lone surrogates, nesting deeper than `maxDepth`.
 */
export function preparePayload(value: unknown, maxDepth = DEFAULT_MAX_JSON_DEPTH): PreparedPayload {
  const fast = plainCanonical(value, maxDepth);
  if (fast !== null) return { text: fast, plain: true };
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (err) {
    throw new SigningInputError("payload_not_json", `payload cannot be written as canonical JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new SigningInputError("payload_not_json", `payload cannot be written as JSON: ${typeof value} has no JSON form`);
  if (exceedsDepth(text, maxDepth)) throw new SigningInputError("payload_rejected", `payload nests deeper than ${maxDepth} levels`);
  return { text, plain: false };
}

interface Frame {
  container: unknown[] | Record<string, unknown>;
  /** Sorted keys of an object; null for an array. */
  keys: string[] | null;
  index: number;
}

/**
 * The canonical form of plain data (plain objects, arrays, strings, finite
 * numbers, booleans, null) at most `maxDepth` deep, or null as soon as
 * anything else turns up (toJSON, undefined, a class instance, NaN, a lone
 * surrogate, a cycle, which shows as depth): canonicalize() then handles it
 * with all of JSON.stringify's rules. Agents' payloads are almost always
 * plain data, and this is about twice as fast. Iterative, like canonicalize.
 */
function plainCanonical(root: unknown, maxDepth: number): string | null {
  let out = "";
  const stack: Frame[] = [];
  let value: unknown = root;
  for (;;) {
    // Write `value`.
    if (typeof value === "string") {
      if (PLAIN.test(value)) out += `"${value}"`;
      else if (LONE_SURROGATE.test(value)) return null;
      else out += JSON.stringify(value);
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) return null;
      out += String(value);
    } else if (typeof value === "boolean") {
      out += value ? "true" : "false";
    } else if (value === null) {
      out += "null";
    } else if (Array.isArray(value)) {
      if (stack.length >= maxDepth || "toJSON" in value) return null;
      stack.push({ container: value as unknown[], keys: null, index: 0 });
      out += "[";
    } else if (typeof value === "object") {
      const proto: unknown = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || "toJSON" in value || stack.length >= maxDepth) return null;
      stack.push({ container: value as Record<string, unknown>, keys: Object.keys(value).sort(), index: 0 });
      out += "{";
    } else {
      return null;
    }
    // Find the next value, closing finished containers on the way.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return out;
      if (top.keys === null) {
        const list = top.container as unknown[];
        if (top.index < list.length) {
          if (top.index > 0) out += ",";
          value = list[top.index++];
          // JSON.stringify writes these as null inside arrays; canonicalize() knows how.
          if (value === undefined) return null;
          break;
        }
        out += "]";
      } else {
        if (top.index < top.keys.length) {
          const key = top.keys[top.index] as string;
          value = (top.container as Record<string, unknown>)[key];
          if (value === undefined || typeof value === "function" || typeof value === "symbol") return null;
          if (top.index > 0) out += ",";
          top.index++;
          if (PLAIN.test(key)) out += `"${key}":`;
          else if (LONE_SURROGATE.test(key)) return null;
          else out += `${JSON.stringify(key)}:`;
          break;
        }
        out += "}";
      }
      stack.pop();
    }
  }
}

/**
 * The signing input of `rec`. With `trusted`, the fields a guard writes itself
 * (its agent id, checked once when the guard is made; ids, nonces, kinds,
 * timestamps and classes it generated) are known to be plain ASCII and are
 * quoted without a check; the caller's strings (receivers, intent, protocol,
 * parents, authority) are always checked.
 */
export function envelopeSigningInput(rec: WireRecord, canonicalPayload: string | undefined, trusted = false): Buffer {
  const q = trusted ? quote : str;
  let out = `{"agent":${q(rec.agent)}`;
  if (rec.authority !== undefined && rec.authority.length > 0) out += `,"authority":${strings(rec.authority)}`;
  if (rec.class !== undefined) out += `,"class":${q(rec.class)}`;
  out += `,"id":${q(rec.id)}`;
  if (rec.intent !== undefined) out += `,"intent":${str(rec.intent)}`;
  out += `,"kind":${q(rec.kind)}`;
  if (rec.nonce !== undefined) out += `,"nonce":${q(rec.nonce)}`;
  if (rec.parents !== undefined && rec.parents.length > 0) out += `,"parents":${strings(rec.parents)}`;
  if (canonicalPayload !== undefined) out += `,"payload":${canonicalPayload}`;
  if (rec.protocol !== undefined) out += `,"protocol":${str(rec.protocol)}`;
  out += `,"timestamp":${q(rec.timestamp)}`;
  if (rec.to !== undefined && rec.to.length > 0) out += `,"to":${strings(rec.to)}`;
  out += `,"v":1}`;
  return Buffer.from(out, "utf8");
}

/** A signer for one key: the signature prefix is built once. */
export function signerFor(keyId: string, key: KeyObject): (rec: WireRecord, canonicalPayload: string | undefined) => string {
  const prefix = formatSignature(keyId, new Uint8Array(0));
  // The guard's records only: see `trusted` above.
  return (rec, canonicalPayload) => prefix + sign(null, envelopeSigningInput(rec, canonicalPayload, true), key).toString("base64url");
}

/** Whether a string needs no JSON escaping: printable ASCII without " and \\. */
export function isPlain(s: string): boolean {
  return PLAIN.test(s);
}

function quote(s: string): string {
  return `"${s}"`;
}

/** A string as RFC 8785 writes it. */
function str(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  if (LONE_SURROGATE.test(s)) throw new SigningInputError("not_canonicalizable", `record cannot be canonicalized: ${JSON.stringify(s)} holds a lone surrogate`);
  return JSON.stringify(s);
}

function strings(list: readonly string[]): string {
  let out = "[";
  for (let i = 0; i < list.length; i++) out += (i === 0 ? "" : ",") + str(list[i] as string);
  return `${out}]`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when JSON text opens more than `max` containers at once. One pass, no parse. */
function exceedsDepth(text: string, max: number): boolean {
  // Nesting deeper than `max` takes more than `max` brackets each way.
  if (text.length < 2 * (max + 1)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
