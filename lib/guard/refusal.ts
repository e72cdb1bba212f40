// Why a guard said no. Every refusal is a GuardRefusal with a machine code
// (what a simulator or dashboard counts) and a sentence for the human who
// reads the log. The codes are part of the enforcement interface
// (docs/guard.md): the control plane will produce the same ones.

export const REFUSAL_CODES = [
  "killed",
  "breaker_open",
  "fan_out_cap",
  "chain_depth_cap",
  "approval_denied",
  "approval_expired",
  "policy_unreachable",
  "verification_failed",
  "lineage_tainted",
  "lineage_unverified",
  "state_quarantined",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export class GuardRefusal extends Error {
  readonly code: RefusalCode;

  constructor(code: RefusalCode, message: string) {
    super(message);
    this.name = "GuardRefusal";
    this.code = code;
  }
}
