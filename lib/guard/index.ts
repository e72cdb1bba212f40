// The guard SDK's public surface. Named re-exports only (no `export *`), so
// what an agent may depend on is listed here and nowhere else.
export { createGuard } from "./guard.ts";
export type { ActionHandle, Guard, GuardOptions, GuardStats, LinkOptions, Receipt, StateStore } from "./guard.ts";
export { GuardRefusal, REFUSAL_CODES } from "./refusal.ts";
export type { RefusalCode } from "./refusal.ts";
export {
  ApprovalDecision,
  BREAKER_STATES,
  BreakerState,
  DEFAULT_CAPS,
  GuardCaps,
  LocalPolicy,
  POLICY_STATUSES,
  PolicySnapshot,
  edgeKey,
  emptyPolicy,
} from "./policy.ts";
export type { PolicyListener, PolicySource, PolicyStatus, PolicyView } from "./policy.ts";
export { ControlPlanePolicy } from "./control-plane-policy.ts";
export { LINEAGE_VERDICTS, LineageClearance, awaitClearance, httpLineage } from "./lineage-source.ts";
export type { ClearanceOutcome, LineageGate, LineageSource, LineageVerdict } from "./lineage-source.ts";
export type { ControlPlanePolicyOptions, ControlPlaneStats } from "./control-plane-policy.ts";
export { decide } from "./decisions.ts";
export type { Decision, FailMode, GuardIntent, LabelBook } from "./decisions.ts";
export { ApprovalPayload, approvalMatches, argsDigest } from "./approvals.ts";
export type { ApprovalOutcome, ApprovalRequest, ApprovalSource, HoldState } from "./approvals.ts";
export { serverApprovals } from "./server-approvals.ts";
export type { FiledApproval, ServerApprovalsOptions } from "./server-approvals.ts";
export { chainDepth } from "./depth.ts";
export { RECEIPT_ATTR } from "./emitter.ts";
export { cryptoRandom, seededRandom } from "./ids.ts";
export type { RandomSource } from "./ids.ts";
export { generateGuardKeys, registerAgent, registryEntry } from "./keys.ts";
export type { GeneratedKeys, GuardKeys, RegistryEntryOptions } from "./keys.ts";
export { RemoteRegistry, fetchRegistry, registryHttp, snapshotFromEntries, staticRegistry } from "./registry-source.ts";
export type { RegistryHttp, RegistrySource } from "./registry-source.ts";
