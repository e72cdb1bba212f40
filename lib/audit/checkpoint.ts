// A checkpoint pins the audit chain at one entry with the instance key's
// signature. The hash chain alone catches an edit in the middle, but not a
// rewrite of the whole tail with every hash recomputed: a checkpoint signed
// before the rewrite names the old hash of its entry, and no one without the
// instance key can sign a new one. Pure functions; storage in lib/db.
import { sign, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { decodeBase64url, encodeBase64url } from "../protocol/base64url.ts";
import { publicKeyFromRaw } from "../protocol/keys.ts";
import { verifyEd25519 } from "../protocol/sign.ts";
import type { AuditEntry } from "./audit-chain.ts";

export const CHECKPOINT_STATEMENT_TYPE = "https://firebreak.dev/audit-checkpoint/v1";

export interface AuditCheckpoint {
  /** The last entry it covers. */
  seq: number;
  /** That entry's hash. */
  hash: string;
  /** When it was signed, ISO 8601 UTC with milliseconds. */
  at: string;
  keyId: string;
  /** base64url Ed25519 signature over `checkpointStatement`. */
  signature: string;
}

/** The bytes signed: RFC 8785 canonical JSON naming the key, so a signature cannot be passed off as another key's. */
export function checkpointStatement(cp: Omit<AuditCheckpoint, "signature">): Buffer {
  const text = canonicalize({ _type: CHECKPOINT_STATEMENT_TYPE, seq: cp.seq, hash: cp.hash, at: cp.at, keyId: cp.keyId });
  if (text === undefined) throw new Error("checkpoint cannot be canonicalized");
  return Buffer.from(text, "utf8");
}

export function signCheckpoint(entry: Pick<AuditEntry, "seq" | "hash">, at: Date, key: { keyId: string; privateKey: KeyObject }): AuditCheckpoint {
  const body = { seq: entry.seq, hash: entry.hash, at: at.toISOString(), keyId: key.keyId };
  return { ...body, signature: encodeBase64url(sign(null, checkpointStatement(body), key.privateKey)) };
}

export type CheckpointProblem =
  | { kind: "forged"; seq: number; message: string }
  | { kind: "wrong_key"; seq: number; message: string }
  | { kind: "rewritten"; seq: number; message: string }
  | { kind: "truncated"; seq: number; message: string };

/** Is the checkpoint's signature the instance key's? */
export function checkpointSignatureProblem(cp: AuditCheckpoint, instance: { keyId: string; publicKey: string }): CheckpointProblem | null {
  if (cp.keyId !== instance.keyId) {
    return { kind: "wrong_key", seq: cp.seq, message: `checkpoint at entry ${cp.seq} names key ${cp.keyId}, not the instance key ${instance.keyId}` };
  }
  const sig = decodeBase64url(cp.signature);
  const body = { seq: cp.seq, hash: cp.hash, at: cp.at, keyId: cp.keyId };
  if (sig === null || !verifyEd25519(publicKeyFromRaw(instance.publicKey), checkpointStatement(body), sig)) {
    return { kind: "forged", seq: cp.seq, message: `checkpoint at entry ${cp.seq} (${cp.at}) has a signature the instance key did not make: the checkpoint was forged or edited` };
  }
  return null;
}

/** Does the chain still hold the entry the checkpoint signed? `entry` is the stored entry with the checkpoint's seq, or null. */
export function checkpointChainProblem(cp: AuditCheckpoint, entry: Pick<AuditEntry, "seq" | "hash"> | null): CheckpointProblem | null {
  if (entry === null) {
    return { kind: "truncated", seq: cp.seq, message: `entry ${cp.seq} was signed by the checkpoint of ${cp.at} but is no longer in the log: the log was truncated` };
  }
  if (entry.hash !== cp.hash) {
    return {
      kind: "rewritten",
      seq: cp.seq,
      message: `entry ${cp.seq} differs from what the checkpoint of ${cp.at} signed: the log was rewritten at or before entry ${cp.seq} and its hashes recomputed`,
    };
  }
  return null;
}

/** When the next checkpoint is due: `everyMs` since the last one, or `everyEntries` new entries, whichever first; never with nothing new. */
export function checkpointDue(
  last: { seq: number; at: string } | null,
  head: { seq: number } | null,
  now: Date,
  policy: { everyMs: number; everyEntries: number },
): boolean {
  if (head === null) return false;
  if (last === null) return true;
  if (head.seq <= last.seq) return false;
  return head.seq - last.seq >= policy.everyEntries || now.getTime() - Date.parse(last.at) >= policy.everyMs;
}
