// The instance as an approver principal. Approval records the server signs
// are made by this registry entry (kind "approver", the instance key), so
// the collector's authority rules accept them like any approver's. It is
// registered on first use and its key added again if the instance key was
// replaced; the entry is attested with the instance key, which counts once
// an operator lists that key among the registrars (needed when
// FIREBREAK_ALLOW_UNATTESTED=false).
import type pg from "pg";
import { audit } from "../audit/audit-log.ts";
import type { InstanceKey } from "../config/instance-key.ts";
import type { PrismaClient } from "../db/prisma.ts";
import { findAgent } from "../db/registry-store.ts";
import { attestEntry } from "../registry/attestation.ts";
import type { AgentInputRaw } from "../registry/schema.ts";
import { registerAgent, updateAgent } from "../registry/service.ts";
import type { ApprovalSigner } from "./approval-record.ts";

export const APPROVER_ID = "firebreak-approvals";
const SYSTEM_ACTOR = "system (approvals)";

function entryFor(key: InstanceKey, keys: { keyId: string; publicKey: string; notBefore: string | null; notAfter: string | null }[]): AgentInputRaw {
  const raw: AgentInputRaw = {
    id: APPROVER_ID,
    displayName: "Firebreak on-call approvals (this instance)",
    kind: "approver",
    keys,
    capabilities: [],
    memory: { read: [], write: [] },
    protocols: {},
    version: null,
    labels: { "firebreak.role": "approver" },
  };
  return { ...raw, attestation: attestEntry(raw, key.keyId, key.privateKey) };
}

/** Registers (or repairs) the approver entry; returns the signer approvals are made with. */
export async function ensureApprover(prisma: PrismaClient, pool: pg.Pool, key: InstanceKey, project: string): Promise<ApprovalSigner> {
  const signer: ApprovalSigner = { agentId: APPROVER_ID, keyId: key.keyId, privateKey: key.privateKey };
  const row = await findAgent(prisma, project, APPROVER_ID);
  const mine = { keyId: key.keyId, publicKey: key.publicKey, notBefore: null, notAfter: null };
  if (row === null) {
    try {
      await registerAgent(prisma, project, entryFor(key, [mine]));
    } catch (err) {
      // Another request registered it a moment ago: that entry is ours too.
      if ((err as { status?: number }).status !== 409) throw err;
      return signer;
    }
    await audit(pool, { actor: SYSTEM_ACTOR, action: "registry.register", target: `agent:${APPROVER_ID}`, detail: { project, kind: "approver", keyId: key.keyId, why: "first approval decision on this instance" } });
    return signer;
  }
  const hasKey = row.keys.some((k) => k.keyId === key.keyId && k.publicKey === key.publicKey);
  if (row.kind === "approver" && hasKey) return signer;
  // Keep older keys so approvals signed before a key change still verify.
  const others = row.keys
    .filter((k) => k.keyId !== key.keyId)
    .map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, notBefore: k.notBefore?.toISOString() ?? null, notAfter: k.notAfter?.toISOString() ?? null }));
  await updateAgent(prisma, project, APPROVER_ID, entryFor(key, [...others, mine]));
  await audit(pool, { actor: SYSTEM_ACTOR, action: "registry.update", target: `agent:${APPROVER_ID}`, detail: { project, kind: "approver", keyId: key.keyId, why: "the instance key is not on the approver entry" } });
  return signer;
}
