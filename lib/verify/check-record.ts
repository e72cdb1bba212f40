// Every verdict that needs nothing but the record, the registry snapshot and a
// clock: what a collector worker can decide before touching the database.
// Replay and authority need stored records and are added by the collector,
// which then combines again (combineVerdicts is idempotent).
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { checkCapability } from "./capability.ts";
import { combineVerdicts } from "./combine.ts";
import { checkContract } from "./contract.ts";
import { checkDowngrade } from "./downgrade.ts";
import { checkIdentityAndSignature, type VerifyFn } from "./identity.ts";
import { checkMemory } from "./memory.ts";
import { checkSkew, DEFAULT_SKEW_MS } from "./skew.ts";

export interface CheckRecordOptions {
  /** The collector's clock at arrival. */
  now: number | Date;
  skewMs?: number;
  verify?: VerifyFn;
}

export function checkRecord(rec: WireRecord, snapshot: RegistrySnapshot, options: CheckRecordOptions): VerdictDetail[] {
  const out = [
    ...checkIdentityAndSignature(rec, snapshot, options.verify),
    ...checkSkew(rec, options.now, options.skewMs ?? DEFAULT_SKEW_MS),
    ...checkContract(rec, snapshot),
  ];
  const agent = snapshot.agents.get(rec.agent);
  // An unknown agent has no grants to check against; unknown_agent already says so.
  if (agent) out.push(...checkCapability(rec, agent), ...checkDowngrade(rec, agent), ...checkMemory(rec, agent));
  return combineVerdicts(out, { allowUnattested: snapshot.allowUnattested });
}
