// Record ids and nonces: at least 128 random bits each, base64url. The
// randomness source is injectable so a test or the simulator can repeat a
// run exactly. The default does not call node:crypto per token: it draws
// 3 KiB at a time, encodes the block once, and hands out 24-character slices
// (18 bytes, 144 bits; a multiple of 3 bytes, so each slice is canonical
// base64url on its own). One randomBytes call per record would cost more
// than all the rest of an id.
import { createHash, randomFillSync } from "node:crypto";
import { encodeBase64url } from "../protocol/base64url.ts";
import type { RecordKind } from "../protocol/record.ts";

/** Returns at least 16 fresh random bytes per call. */
export type RandomSource = () => Uint8Array;

/** Returns a fresh base64url token of at least 128 bits per call. */
export type TokenSource = () => string;

const TOKEN_BYTES = 16;
const POOL_BYTES = 3072;
const SLICE_CHARS = 24;

/** The default: pooled node:crypto randomness. */
export function cryptoTokens(): TokenSource {
  const pool = Buffer.alloc(POOL_BYTES);
  let text = "";
  let offset = 0;
  return () => {
    if (offset + SLICE_CHARS > text.length) {
      randomFillSync(pool);
      text = pool.toString("base64url");
      offset = 0;
    }
    const out = text.slice(offset, offset + SLICE_CHARS);
    offset += SLICE_CHARS;
    return out;
  };
}

/** Tokens from an injected byte source: 16 bytes, 22 characters each. */
export function tokensFrom(random: RandomSource): TokenSource {
  return () => token(random);
}

/** `bytes` random bytes as lowercase hex: span and trace ids. */
export type HexSource = (bytes: 8 | 16) => string;

/** The default: node:crypto in 4 KiB blocks, encoded once per block. */
export function cryptoHex(): HexSource {
  const pool = Buffer.alloc(4096);
  let text = "";
  let offset = 0;
  return (bytes) => {
    const chars = bytes * 2;
    if (offset + chars > text.length) {
      randomFillSync(pool);
      text = pool.toString("hex");
      offset = 0;
    }
    const out = text.slice(offset, offset + chars);
    offset += chars;
    return out;
  };
}

/** Hex ids from an injected byte source (16 bytes a call), for repeatable runs. */
export function hexFrom(random: RandomSource): HexSource {
  return (bytes) => Buffer.from(random().subarray(0, bytes)).toString("hex");
}

/** A RandomSource from node:crypto, for callers that want bytes. */
export function cryptoRandom(): RandomSource {
  return () => {
    const out = Buffer.alloc(TOKEN_BYTES);
    randomFillSync(out);
    return out;
  };
}

/** Deterministic bytes from a seed: the same seed gives the same ids and nonces. For tests and the simulator only. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return () => createHash("sha256").update(`${seed}:${counter++}`).digest().subarray(0, TOKEN_BYTES);
}

const KIND_PREFIX: Record<RecordKind, string> = {
  request: "req",
  approval: "apv",
  message: "msg",
  "state.write": "sw",
  "state.read": "sr",
  action: "act",
};

/** A 128-bit token from the source, base64url. Throws when the source gives fewer than 16 bytes. */
export function token(random: RandomSource): string {
  const bytes = random();
  if (bytes.length < TOKEN_BYTES) throw new Error(`the guard's random source must return at least ${TOKEN_BYTES} bytes, got ${bytes.length}`);
  return encodeBase64url(bytes.length === TOKEN_BYTES ? bytes : bytes.subarray(0, TOKEN_BYTES));
}

/** "msg-<token>": the kind is readable in an id, the rest is random. */
export function recordId(kind: RecordKind, tokens: TokenSource): string {
  return `${KIND_PREFIX[kind]}-${tokens()}`;
}
