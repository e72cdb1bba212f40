// The audit log is a hash chain: each entry's hash covers its own content and
// the hash of the entry before it, so altering, removing or reordering any
// entry breaks every hash after it. Pure functions here; storage is in
// lib/db/audit-store.ts and verification walks the chain with these.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** The hash the first entry chains from. */
export const GENESIS_HASH = "0".repeat(64);

/** What a caller says happened. */
export interface AuditInput {
  /** Who did it: a user name, `token:<name>`, or `system` for the engine's own acts. */
  actor: string;
  /** What kind of act: `session.sign_in`, `kill.agent`, `approval.approve`, `incident.note`, ... */
  action: string;
  /** What it was done to: `agent:<id>`, `edge:<from>-><to>`, `incident:<id>`, `*`; empty when none. */
  target: string;
  /** Anything else worth keeping (reason, before/after); JSON only. */
  detail: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  /** ISO 8601 UTC with milliseconds, exactly as stored and hashed. */
  at: string;
  prevHash: string;
  hash: string;
}

/** The bytes an entry's hash covers: RFC 8785 canonical JSON of its content and the previous hash. */
export function auditHashInput(entry: Omit<AuditEntry, "hash">): string {
  const text = canonicalize({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    detail: entry.detail,
    prevHash: entry.prevHash,
  });
  if (text === undefined) throw new Error("audit entry cannot be canonicalized");
  return text;
}

export function auditHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(auditHashInput(entry), "utf8").digest("hex");
}

/** Builds the next entry of a chain whose last entry is `last` (null for an empty log). */
export function nextAuditEntry(last: Pick<AuditEntry, "seq" | "hash"> | null, input: AuditInput, at: Date): AuditEntry {
  const base = {
    seq: last === null ? 1 : last.seq + 1,
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    detail: input.detail,
    prevHash: last === null ? GENESIS_HASH : last.hash,
  };
  return { ...base, hash: auditHash(base) };
}

export type ChainBreak =
  | { kind: "altered"; seq: number; message: string }
  | { kind: "missing"; seq: number; message: string }
  | { kind: "reordered"; seq: number; message: string };

/**
 * Checks entries in stored order. Returns the first break, or null when the
 * chain is whole. `startAfter` lets a caller resume from a trusted entry
 * (a signed checkpoint) instead of the genesis.
 */
export function findChainBreak(entries: Iterable<AuditEntry>, startAfter: Pick<AuditEntry, "seq" | "hash"> | null = null): ChainBreak | null {
  let prevSeq = startAfter?.seq ?? 0;
  let prevHash = startAfter?.hash ?? GENESIS_HASH;
  for (const e of entries) {
    if (e.seq <= prevSeq) return { kind: "reordered", seq: e.seq, message: `entry ${e.seq} comes after entry ${prevSeq}: the log was reordered` };
    if (e.seq !== prevSeq + 1) return { kind: "missing", seq: prevSeq + 1, message: `entry ${prevSeq + 1} is missing (the next stored entry is ${e.seq})` };
    if (e.prevHash !== prevHash) {
      return { kind: "missing", seq: e.seq, message: `entry ${e.seq} does not chain from entry ${prevSeq}: an entry before it was removed or replaced` };
    }
    if (auditHash(e) !== e.hash) return { kind: "altered", seq: e.seq, message: `entry ${e.seq} was altered: its content does not match its hash` };
    prevSeq = e.seq;
    prevHash = e.hash;
  }
  return null;
}
