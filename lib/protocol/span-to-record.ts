// Reads a firebreak/1 record off a span's attributes, and writes one back.
// Reading is strict: an attribute of the wrong type is an error naming the
// attribute and the type it must have, never a silent coercion. Whether the
// record is trustworthy is for lib/verify; this only decides if it is well formed.
import { attributeTypeName, type AttributeValue } from "./attributes.ts";
import { decodeBase64url } from "./base64url.ts";
import { DEFAULT_MAX_JSON_DEPTH, parseJsonText } from "./json-text.ts";
import { ACTION_CLASSES, ATTR, RECORD_KINDS, type ActionClass, type RecordKind, type WireRecord } from "./record.ts";
import { parseTimestamp } from "./timestamp.ts";

export interface RecordFromAttributesOptions {
  /** Deepest container nesting accepted in firebreak.payload. */
  maxPayloadDepth?: number;
}

/** 128 bits in base64url is 22 characters. */
const MIN_NONCE_CHARS = 22;

class AttributeError extends Error {}

type Attributes = Record<string, AttributeValue>;

function optionalString(attrs: Attributes, name: string): string | undefined {
  const v = attrs[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new AttributeError(`${name} must be a string, got ${attributeTypeName(v)}`);
  return v;
}

function requiredString(attrs: Attributes, name: string): string {
  const v = optionalString(attrs, name);
  if (v === undefined) throw new AttributeError(`${name} is required`);
  if (v === "") throw new AttributeError(`${name} must not be empty`);
  return v;
}

function optionalStringArray(attrs: Attributes, name: string): string[] | undefined {
  const v = attrs[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new AttributeError(`${name} must be an array of strings, got ${attributeTypeName(v)}`);
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    if (typeof item !== "string") {
      throw new AttributeError(`${name} must be an array of strings, got ${attributeTypeName(item)} at [${i}]`);
    }
    if (item === "") throw new AttributeError(`${name}[${i}] must not be empty`);
  }
  return v as string[];
}

function isKind(v: string): v is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(v);
}

function isActionClass(v: string): v is ActionClass {
  return (ACTION_CLASSES as readonly string[]).includes(v);
}

/**
 * The record a span carries: null for an ordinary span (no firebreak.kind),
 * an error string naming the first malformed attribute, or the record.
 */
export function recordFromAttributes(
  attrs: Attributes,
  options: RecordFromAttributesOptions = {},
): { record: WireRecord } | { error: string } | null {
  if (attrs[ATTR.kind] === undefined) return null;
  try {
    return { record: readRecord(attrs, options.maxPayloadDepth ?? DEFAULT_MAX_JSON_DEPTH) };
  } catch (err) {
    if (err instanceof AttributeError) return { error: err.message };
    throw err;
  }
}

function readRecord(attrs: Attributes, maxPayloadDepth: number): WireRecord {
  const kind = requiredString(attrs, ATTR.kind);
  if (!isKind(kind)) throw new AttributeError(`${ATTR.kind} must be one of ${RECORD_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);

  const timestamp = requiredString(attrs, ATTR.timestamp);
  if (parseTimestamp(timestamp) === null) {
    throw new AttributeError(`${ATTR.timestamp} must be an RFC 3339 UTC timestamp like 2026-01-02T03:04:05.678Z, got ${JSON.stringify(timestamp)}`);
  }

  const record: WireRecord = { kind, id: requiredString(attrs, ATTR.id), agent: requiredString(attrs, ATTR.agent), timestamp };

  const to = optionalStringArray(attrs, ATTR.to);
  if (to !== undefined) record.to = to;
  const intent = optionalString(attrs, ATTR.intent);
  if (intent !== undefined) record.intent = intent;
  const protocol = optionalString(attrs, ATTR.protocol);
  if (protocol !== undefined) record.protocol = protocol;

  const nonce = optionalString(attrs, ATTR.nonce);
  if (nonce !== undefined) {
    if (decodeBase64url(nonce) === null) throw new AttributeError(`${ATTR.nonce} must be base64url`);
    if (nonce.length < MIN_NONCE_CHARS) {
      throw new AttributeError(`${ATTR.nonce} must carry at least 128 bits (${MIN_NONCE_CHARS} base64url characters), got ${nonce.length}`);
    }
    record.nonce = nonce;
  }

  const payload = optionalString(attrs, ATTR.payload);
  if (payload !== undefined) {
    const checked = parseJsonText(payload, maxPayloadDepth);
    if (!("value" in checked)) throw new AttributeError(`${ATTR.payload} ${checked.message}`);
    record.payload = payload;
  }

  const parents = optionalStringArray(attrs, ATTR.parents);
  if (parents !== undefined) record.parents = parents;
  const authority = optionalStringArray(attrs, ATTR.authority);
  if (authority !== undefined) record.authority = authority;

  const actionClass = optionalString(attrs, ATTR.actionClass);
  if (actionClass !== undefined) {
    if (kind !== "action") throw new AttributeError(`${ATTR.actionClass} is only allowed on action records, not ${kind}`);
    if (!isActionClass(actionClass)) {
      throw new AttributeError(`${ATTR.actionClass} must be one of ${ACTION_CLASSES.join(", ")}, got ${JSON.stringify(actionClass)}`);
    }
    record.class = actionClass;
  }

  const signature = optionalString(attrs, ATTR.signature);
  if (signature !== undefined) {
    // Without a nonce a signed record could be re-sent forever undetected.
    if (record.nonce === undefined) throw new AttributeError(`${ATTR.nonce} is required on a signed record (it is what makes a replay detectable)`);
    record.signature = signature;
  }
  return record;
}

/** The span attributes that carry `rec`, gen_ai.agent.id included. Empty arrays are left out (see canonical.ts). */
export function attributesFromRecord(rec: WireRecord): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {
    [ATTR.kind]: rec.kind,
    [ATTR.id]: rec.id,
    [ATTR.agent]: rec.agent,
    [ATTR.genAiAgentId]: rec.agent,
    [ATTR.timestamp]: rec.timestamp,
  };
  if (rec.to !== undefined && rec.to.length > 0) out[ATTR.to] = [...rec.to];
  if (rec.intent !== undefined) out[ATTR.intent] = rec.intent;
  if (rec.protocol !== undefined) out[ATTR.protocol] = rec.protocol;
  if (rec.nonce !== undefined) out[ATTR.nonce] = rec.nonce;
  if (rec.payload !== undefined) out[ATTR.payload] = rec.payload;
  if (rec.parents !== undefined && rec.parents.length > 0) out[ATTR.parents] = [...rec.parents];
  if (rec.authority !== undefined && rec.authority.length > 0) out[ATTR.authority] = [...rec.authority];
  if (rec.class !== undefined) out[ATTR.actionClass] = rec.class;
  if (rec.signature !== undefined) out[ATTR.signature] = rec.signature;
  return out;
}
