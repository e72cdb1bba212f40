// May this guard do this, now? A pure function of the operation, the policy
// and the fail mode, so the whole table can be tested without a clock, a
// network or a key. The guard gathers what it needs (labels from the
// registry, fan-out and depth from its own books) into a GuardIntent first.
//
// Order, first refusal wins: kill-all, killed agents, killed labels, killed
// edges (all "killed": known facts, even from a snapshot we can no longer
// refresh); quarantined state keys (known facts too); then an unreachable policy (red actions always, everything else
// when failing closed); then open breakers; then the local caps.
import type { ActionClass, RecordKind } from "../protocol/record.ts";
import { edgeKey, type BreakerState, type PolicyView } from "./policy.ts";
import type { RefusalCode } from "./refusal.ts";

/** What happens to non-red operations when the policy source is unreachable. Red actions always fail closed. */
export type FailMode = "open" | "closed";

/** Agent id -> registry labels, for the agents an operation involves. */
export type LabelBook = Readonly<Record<string, Readonly<Record<string, string>>>>;

export type GuardIntent =
  | { op: "send"; agent: string; to: readonly string[]; intent: string; fanOut: number; depth: number; labels: LabelBook }
  | { op: "receive"; agent: string; from: string; kind: RecordKind; depth: number; labels: LabelBook }
  | { op: "act"; agent: string; name: string; actionClass: ActionClass; depth: number; labels: LabelBook }
  | { op: "state"; agent: string; mode: "read" | "write"; key: string; labels: LabelBook }
  | { op: "request"; agent: string; labels: LabelBook }
  | { op: "approve"; agent: string; labels: LabelBook };

export type Decision = { allow: true } | { allow: false; code: RefusalCode; reason: string };

const ALLOW: Decision = Object.freeze({ allow: true });

/** Breaker states that refuse traffic on their edge. */
const REFUSING: ReadonlySet<BreakerState> = new Set<BreakerState>(["OPEN", "FORCED_OPEN"]);

export function decide(intent: GuardIntent, policy: PolicyView, failMode: FailMode): Decision {
  const { snapshot } = policy;
  if (snapshot.killAll) return refuse("killed", "every agent is killed (kill-all is on)");

  // Participants and edges are walked in place: this runs on every record, and allocates nothing when it allows.
  const others = intent.op === "send" ? intent.to : intent.op === "receive" ? [intent.from] : NONE;
  const agentProblem = killedAgent(intent.agent, intent.labels, snapshot.killedAgents, snapshot.killedLabels);
  if (agentProblem !== null) return refuse("killed", agentProblem);
  for (const id of others) {
    const problem = killedAgent(id, intent.labels, snapshot.killedAgents, snapshot.killedLabels);
    if (problem !== null) return refuse("killed", problem);
  }
  if (snapshot.killedEdges.length > 0) {
    for (const other of others) {
      const edge = edgeOf(intent, other);
      if (snapshot.killedEdges.includes(edge)) return refuse("killed", `edge ${edge} is killed`);
    }
  }

  if (intent.op === "state" && snapshot.quarantinedKeys.length > 0 && snapshot.quarantinedKeys.includes(intent.key)) {
    return refuse(
      "state_quarantined",
      `${describe(intent)} refused: the key is quarantined (its value descends from a record the control plane contained); an on-call lifts it on /control once the value is repaired`,
    );
  }

  if (policy.status === "unreachable") {
    if (intent.op === "act" && intent.actionClass === "red") {
      return refuse("policy_unreachable", `red action ${intent.name} refused: the policy source is unreachable and red actions fail closed`);
    }
    if (failMode === "closed") return refuse("policy_unreachable", `${describe(intent)} refused: the policy source is unreachable and this guard fails closed`);
  }

  for (const other of others) {
    const edge = edgeOf(intent, other);
    const state = snapshot.breakers[edge];
    if (state !== undefined && REFUSING.has(state)) return refuse("breaker_open", `the breaker on ${edge} is ${state}`);
  }

  const { caps } = snapshot;
  if (intent.op === "send" && intent.fanOut > caps.maxFanOut) {
    return refuse("fan_out_cap", `sending ${intent.intent} would make ${intent.fanOut} deliveries from one record (cap ${caps.maxFanOut})`);
  }
  if (countsDepth(intent) && intent.depth > caps.maxChainDepth) {
    return refuse("chain_depth_cap", `${describe(intent)} is ${intent.depth} hops from the request (cap ${caps.maxChainDepth})`);
  }
  return ALLOW;
}

/** Work is capped by depth; a request (the root) and an approval (which widens authority) are not work. */
function countsDepth(intent: GuardIntent): intent is Extract<GuardIntent, { depth: number }> {
  if (intent.op === "receive") return intent.kind !== "request" && intent.kind !== "approval";
  return intent.op === "send" || intent.op === "act";
}

function refuse(code: RefusalCode, reason: string): Decision {
  return { allow: false, code, reason };
}

const NONE: readonly string[] = Object.freeze([]);

/** Why `id` is killed (by id or by label), or null. */
function killedAgent(id: string, labels: LabelBook, killedAgents: readonly string[], killedLabels: readonly string[]): string | null {
  if (killedAgents.includes(id)) return `agent ${id} is killed`;
  if (killedLabels.length === 0) return null;
  const selector = killedBy(labels[id], killedLabels);
  return selector === null ? null : `agent ${id} is killed by label ${selector}`;
}

/** The directed edge between the guard's agent and `other`: "agent->other" when sending, "other->agent" when receiving. */
function edgeOf(intent: GuardIntent, other: string): string {
  return intent.op === "receive" ? edgeKey(other, intent.agent) : edgeKey(intent.agent, other);
}

/** The first selector ("key=value" or "key") that matches these labels, or null. */
function killedBy(labels: Readonly<Record<string, string>> | undefined, selectors: readonly string[]): string | null {
  if (labels === undefined) return null;
  for (const selector of selectors) {
    const eq = selector.indexOf("=");
    const key = eq < 0 ? selector : selector.slice(0, eq);
    if (!Object.hasOwn(labels, key)) continue;
    if (eq < 0 || labels[key] === selector.slice(eq + 1)) return selector;
  }
  return null;
}

function describe(intent: GuardIntent): string {
  switch (intent.op) {
    case "send":
      return `sending ${intent.intent} to ${intent.to.join(", ")}`;
    case "receive":
      return `accepting a ${intent.kind} from ${intent.from}`;
    case "act":
      return `${intent.actionClass} action ${intent.name}`;
    case "state":
      return `${intent.mode === "read" ? "reading" : "writing"} state ${intent.key}`;
    case "request":
      return "issuing a request";
    case "approve":
      return "issuing an approval";
  }
}
