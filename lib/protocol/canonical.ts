// The bytes a firebreak/1 signature covers: RFC 8785 (JCS) canonical JSON of
// the record's claims, with the payload embedded as parsed JSON rather than as
// text, so whitespace and key order in the payload do not matter.
// docs/adr/0002-canonical-json-and-ed25519.md says why.
import canonicalize from "canonicalize";
import type { WireRecord } from "./record.ts";

/** payload_rejected: JSON, but too deep or with a repeated key (see json-text.ts); only signRecord reports it. */
export type SigningInputFailure = "payload_not_json" | "payload_rejected" | "not_canonicalizable";

export class SigningInputError extends Error {
  readonly reason: SigningInputFailure;

  constructor(reason: SigningInputFailure, message: string) {
    super(message);
    this.name = "SigningInputError";
    this.reason = reason;
  }
}

/**
 * The object that is canonicalized and signed. Absent fields are left out;
 * so are empty arrays, because some exporters drop empty array attributes and
 * the signature must survive that.
 */
export function signingObject(rec: WireRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { v: 1, kind: rec.kind, id: rec.id, agent: rec.agent };
  if (rec.to !== undefined && rec.to.length > 0) out.to = rec.to;
  if (rec.intent !== undefined) out.intent = rec.intent;
  if (rec.protocol !== undefined) out.protocol = rec.protocol;
  out.timestamp = rec.timestamp;
  if (rec.nonce !== undefined) out.nonce = rec.nonce;
  if (rec.payload !== undefined) {
    try {
      out.payload = JSON.parse(rec.payload) as unknown;
    } catch (err) {
      throw new SigningInputError("payload_not_json", `payload is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (rec.parents !== undefined && rec.parents.length > 0) out.parents = rec.parents;
  if (rec.authority !== undefined && rec.authority.length > 0) out.authority = rec.authority;
  if (rec.class !== undefined) out.class = rec.class;
  return out;
}

/** UTF-8 bytes of the canonical JSON of `signingObject(rec)`. Throws SigningInputError. */
export function signingInput(rec: WireRecord): Buffer {
  const obj = signingObject(rec);
  let text: string | undefined;
  try {
    text = canonicalize(obj);
  } catch (err) {
    // canonicalize refuses lone surrogates (e.g. "\ud800" escaped in a payload) and non-finite numbers.
    throw new SigningInputError("not_canonicalizable", `record cannot be canonicalized: ${(err as Error).message}`);
  }
  if (text === undefined) throw new SigningInputError("not_canonicalizable", "record cannot be canonicalized");
  return Buffer.from(text, "utf8");
}
