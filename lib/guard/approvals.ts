// Red actions wait for a human. When act() is called with class "red" the
// guard emits nothing and does nothing; it holds an ApprovalRequest naming the
// id the action record will carry, the arguments and their digest. An
// approver's guard answers it with approve(request): an approval record whose
// payload names that action, agent, action name and digest, so an approval
// cannot be spent on other arguments or another agent's action. It reaches
// the held guard either directly (receive(approval)) or relayed by the policy
// source (PolicySnapshot.approvals), and the guard checks its signature and
// the approver's registry kind either way.
//
// A hold is a small state machine: pending -> approved | denied | expired |
// unreachable, nothing after that.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ActionClass, WireRecord } from "../protocol/record.ts";
import { GuardRefusal } from "./refusal.ts";

export interface ApprovalRequest {
  /** The id the action record will carry once approved. */
  action: string;
  agent: string;
  /** The action name (the action record's intent). */
  name: string;
  class: ActionClass;
  /** The action's arguments as JSON text, for the approver to read. */
  args: string;
  /** SHA-256 of the canonical arguments, base64url: the approval covers exactly these. */
  digest: string;
  parents: string[];
  /** The action's authority chain so far, root first. */
  authority: string[];
  requestedAt: string;
  expiresAt: string;
}

/** What an approval record's payload says it approves. */
export const ApprovalPayload = z.object({
  approves: z.string().min(1),
  agent: z.string().min(1),
  name: z.string().optional(),
  digest: z.string().optional(),
});
export type ApprovalPayload = z.infer<typeof ApprovalPayload>;

export function argsDigest(canonicalArgs: string): string {
  return createHash("sha256").update(canonicalArgs, "utf8").digest("base64url");
}

/** The payload an approver signs for a held action, or for any record it vouches for. */
export function approvalPayloadFor(target: ApprovalRequest | WireRecord): ApprovalPayload {
  if (isApprovalRequest(target)) return { approves: target.action, agent: target.agent, name: target.name, digest: target.digest };
  return target.intent === undefined ? { approves: target.id, agent: target.agent } : { approves: target.id, agent: target.agent, name: target.intent };
}

export function isApprovalRequest(target: ApprovalRequest | WireRecord): target is ApprovalRequest {
  return "digest" in target && "action" in target;
}

/** The id an approval record's payload approves, or null when it does not read as one. */
export function approvedId(approval: WireRecord): string | null {
  if (approval.kind !== "approval" || approval.payload === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(approval.payload);
  } catch {
    return null;
  }
  const parsed = ApprovalPayload.safeParse(value);
  return parsed.success ? parsed.data.approves : null;
}

/** Does this approval record answer this request (same action, agent, name, arguments and root)? Signature and signer are checked elsewhere. */
export function approvalMatches(request: ApprovalRequest, approval: WireRecord): boolean {
  if (approval.kind !== "approval" || approval.payload === undefined) return false;
  let value: unknown;
  try {
    value = JSON.parse(approval.payload);
  } catch {
    return false;
  }
  const parsed = ApprovalPayload.safeParse(value);
  if (!parsed.success) return false;
  const p = parsed.data;
  return (
    p.approves === request.action &&
    p.agent === request.agent &&
    p.name === request.name &&
    p.digest === request.digest &&
    (approval.authority?.[0] ?? null) === (request.authority[0] ?? null)
  );
}

/** How a held action's approval source answered. */
export type ApprovalOutcome =
  | { decision: "approved"; record: WireRecord }
  | { decision: "denied"; by: string; reason: string }
  | { decision: "expired"; reason: string }
  | { decision: "unreachable"; reason: string };

/**
 * Somewhere a guard sends a held red action to be decided: the Firebreak
 * server's queue (serverApprovals in server-approvals.ts), say. `decide`
 * never rejects: a source that cannot be heard from answers `unreachable`,
 * and the guard refuses the action (red actions fail closed). Whatever it
 * answers, an approval record is still checked by the guard itself.
 */
export interface ApprovalSource {
  decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalOutcome>;
}

export const HOLD_STATES = ["pending", "approved", "denied", "expired", "unreachable"] as const;
export type HoldState = (typeof HOLD_STATES)[number];
export type HoldEvent = "approve" | "deny" | "expire" | "unreachable";

/** The legal transitions; every other event in every other state is ignored. */
export const HOLD_TRANSITIONS: readonly (readonly [HoldState, HoldEvent, HoldState])[] = [
  ["pending", "approve", "approved"],
  ["pending", "deny", "denied"],
  ["pending", "expire", "expired"],
  ["pending", "unreachable", "unreachable"],
];

export function holdTransition(state: HoldState, event: HoldEvent): HoldState | null {
  for (const [from, on, to] of HOLD_TRANSITIONS) if (from === state && on === event) return to;
  return null;
}

interface Hold {
  request: ApprovalRequest;
  deadline: number;
  state: HoldState;
  resolve(approval: WireRecord): void;
  reject(refusal: GuardRefusal): void;
}

/** The red actions a guard is holding, by action id. */
export class ApprovalBook {
  private readonly holds = new Map<string, Hold>();

  /** Holds `request` until approved (resolves with the approval record) or denied, expired or cut off (rejects with a GuardRefusal). */
  hold(request: ApprovalRequest, deadline: number): Promise<WireRecord> {
    return new Promise<WireRecord>((resolve, reject) => {
      this.holds.set(request.action, { request, deadline, state: "pending", resolve, reject });
    });
  }

  get(actionId: string): { request: ApprovalRequest; state: HoldState } | undefined {
    const h = this.holds.get(actionId);
    return h === undefined ? undefined : { request: h.request, state: h.state };
  }

  pending(): ApprovalRequest[] {
    return [...this.holds.values()].map((h) => h.request);
  }

  /** Earliest deadline among pending holds. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const h of this.holds.values()) if (next === undefined || h.deadline < next) next = h.deadline;
    return next;
  }

  /** Settles the hold with a matching, already verified approval record; false when nothing was waiting for it. */
  approve(approval: WireRecord): boolean {
    const id = approvedId(approval);
    const h = id === null ? undefined : this.holds.get(id);
    if (h === undefined || !approvalMatches(h.request, approval)) return false;
    if (!this.move(h, "approve")) return false;
    h.resolve(approval);
    return true;
  }

  deny(actionId: string, by: string, reason: string): boolean {
    const h = this.holds.get(actionId);
    if (h === undefined || !this.move(h, "deny")) return false;
    h.reject(new GuardRefusal("approval_denied", `red action ${h.request.name} (${actionId}) was denied by ${by}: ${reason}`));
    return true;
  }

  /** Expires every hold whose deadline has passed at `now`; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const h of [...this.holds.values()]) {
      if (h.deadline > now || !this.move(h, "expire")) continue;
      h.reject(new GuardRefusal("approval_expired", `red action ${h.request.name} (${h.request.action}) was not approved before ${h.request.expiresAt}`));
      n++;
    }
    return n;
  }

  /** Ends one hold without an approval: the source said it expired, or could not be heard from. */
  close(actionId: string, event: "expire" | "unreachable", reason: string): boolean {
    const h = this.holds.get(actionId);
    if (h === undefined || !this.move(h, event)) return false;
    const code = event === "expire" ? "approval_expired" : "policy_unreachable";
    h.reject(new GuardRefusal(code, `red action ${h.request.name} (${actionId}) refused: ${reason}`));
    return true;
  }

  /** Fails every hold closed: the approval source cannot be heard from. */
  cutOff(reason: string): number {
    let n = 0;
    for (const h of [...this.holds.values()]) {
      if (!this.move(h, "unreachable")) continue;
      h.reject(new GuardRefusal("policy_unreachable", `red action ${h.request.name} (${h.request.action}) refused: ${reason}`));
      n++;
    }
    return n;
  }

  get size(): number {
    return this.holds.size;
  }

  private move(h: Hold, event: HoldEvent): boolean {
    const next = holdTransition(h.state, event);
    if (next === null) return false;
    h.state = next;
    // Settled holds leave the book: it only tracks what still waits.
    this.holds.delete(h.request.action);
    return true;
  }
}
