// Base64url (RFC 4648 section 5) without padding, decoded strictly. Node's
// decoder skips characters it does not know and accepts trailing bits, so two
// different strings could name the same key or signature; we accept only the
// one canonical spelling of each byte string.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** The bytes, or null when `text` is not canonical unpadded base64url. */
export function decodeBase64url(text: string): Buffer | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}
