// decide() is the whole enforcement table, so it is tested as a table: every
// operation against every breaker state, policy status and fail mode, and
// each kill, cap and precedence rule on its own.
import { describe, expect, it } from "vitest";
import { decide, type Decision, type FailMode, type GuardIntent } from "@/lib/guard/decisions.ts";
import { BREAKER_STATES, DEFAULT_CAPS, emptyPolicy, POLICY_STATUSES, type BreakerState, type PolicySnapshot, type PolicyStatus } from "@/lib/guard/policy.ts";
import { ACTION_CLASSES } from "@/lib/protocol/record.ts";

const A = "agent-a";
const B = "agent-b";
const LABELS = { [A]: { team: "pricing", env: "prod" }, [B]: { team: "orders" } };

function policy(patch: Partial<PolicySnapshot> = {}, status: PolicyStatus = "fresh"): { snapshot: PolicySnapshot; status: PolicyStatus } {
  return { snapshot: { ...emptyPolicy(), ...patch }, status };
}

const send = (over: Partial<Extract<GuardIntent, { op: "send" }>> = {}): GuardIntent => ({ op: "send", agent: A, to: [B], intent: "Quote", fanOut: 1, depth: 2, labels: LABELS, ...over });
const receive = (over: Partial<Extract<GuardIntent, { op: "receive" }>> = {}): GuardIntent => ({ op: "receive", agent: B, from: A, kind: "message", depth: 2, labels: LABELS, ...over });
const act = (over: Partial<Extract<GuardIntent, { op: "act" }>> = {}): GuardIntent => ({ op: "act", agent: A, name: "place_order", actionClass: "green", depth: 2, labels: LABELS, ...over });
const state = (mode: "read" | "write"): GuardIntent => ({ op: "state", agent: A, mode, key: "notes/x", labels: LABELS });

/** Every kind of operation, for the rules that apply to all of them. */
const ALL_OPS: GuardIntent[] = [
  send(),
  receive(),
  ...ACTION_CLASSES.map((c) => act({ actionClass: c })),
  state("read"),
  state("write"),
  { op: "request", agent: A, labels: LABELS },
  { op: "approve", agent: A, labels: LABELS },
];

const code = (d: Decision): string => (d.allow ? "allow" : d.code);

describe("decide: the exhaustive table", () => {
  // The rule, restated independently of the implementation: for an operation
  // on edge A->B with breaker `b`, policy status `s` and fail mode `f`.
  function expected(op: GuardIntent, b: BreakerState, s: PolicyStatus, f: FailMode): string {
    if (s === "unreachable" && op.op === "act" && op.actionClass === "red") return "policy_unreachable";
    if (s === "unreachable" && f === "closed") return "policy_unreachable";
    const onEdge = op.op === "send" || op.op === "receive";
    if (onEdge && (b === "OPEN" || b === "FORCED_OPEN")) return "breaker_open";
    return "allow";
  }

  const cases = ALL_OPS.flatMap((op) =>
    BREAKER_STATES.flatMap((b) => POLICY_STATUSES.flatMap((s) => (["open", "closed"] as const).map((f) => ({ op, b, s, f })))),
  );

  it(`covers ${cases.length} combinations`, () => {
    expect(cases.length).toBe(ALL_OPS.length * BREAKER_STATES.length * POLICY_STATUSES.length * 2);
    for (const { op, b, s, f } of cases) {
      const d = decide(op, policy({ breakers: { "agent-a->agent-b": b } }, s), f);
      expect(code(d), `${op.op} ${op.op === "act" ? op.actionClass : ""} breaker=${b} status=${s} fail=${f}`).toBe(expected(op, b, s, f));
    }
  });

  it("a breaker on the other direction does not touch this edge", () => {
    expect(code(decide(send(), policy({ breakers: { "agent-b->agent-a": "OPEN" } }), "closed"))).toBe("allow");
    expect(code(decide(receive({ agent: A, from: B }), policy({ breakers: { "agent-a->agent-b": "FORCED_OPEN" } }), "closed"))).toBe("allow");
    expect(code(decide(receive({ agent: A, from: B }), policy({ breakers: { "agent-b->agent-a": "FORCED_OPEN" } }), "closed"))).toBe("breaker_open");
  });

  it("one open breaker among several receivers refuses the whole send", () => {
    const d = decide(send({ to: ["agent-c", B] }), policy({ breakers: { "agent-a->agent-b": "OPEN" } }), "open");
    expect(d).toEqual({ allow: false, code: "breaker_open", reason: "the breaker on agent-a->agent-b is OPEN" });
  });
});

describe("decide: kills", () => {
  it("kill-all refuses every operation, whatever else is true", () => {
    for (const op of ALL_OPS) expect(code(decide(op, policy({ killAll: true }), "open"))).toBe("killed");
  });

  it("a killed agent can do nothing, and nothing can be sent to it or accepted from it", () => {
    for (const op of ALL_OPS) expect(code(decide(op, policy({ killedAgents: [A] }), "open"))).toBe("killed");
    expect(decide(send(), policy({ killedAgents: [B] }), "open")).toMatchObject({ code: "killed", reason: "agent agent-b is killed" });
    expect(code(decide(state("write"), policy({ killedAgents: [B] }), "open"))).toBe("allow");
  });

  it("a killed label matches key=value, or a bare key for any value", () => {
    expect(code(decide(send(), policy({ killedLabels: ["team=orders"] }), "open"))).toBe("killed");
    expect(code(decide(send(), policy({ killedLabels: ["env"] }), "open"))).toBe("killed");
    expect(code(decide(send(), policy({ killedLabels: ["team=finance", "region"] }), "open"))).toBe("allow");
    expect(decide(act(), policy({ killedLabels: ["env=prod"] }), "open")).toMatchObject({ reason: "agent agent-a is killed by label env=prod" });
  });

  it("an agent without labels is never killed by label", () => {
    expect(code(decide(send({ labels: {} }), policy({ killedLabels: ["team"] }), "open"))).toBe("allow");
  });

  it("a label key named like an Object property is just a key", () => {
    expect(code(decide(send(), policy({ killedLabels: ["constructor", "toString=x"] }), "open"))).toBe("allow");
  });

  it("a killed edge refuses that direction only", () => {
    expect(code(decide(send(), policy({ killedEdges: ["agent-a->agent-b"] }), "open"))).toBe("killed");
    expect(code(decide(receive(), policy({ killedEdges: ["agent-a->agent-b"] }), "open"))).toBe("killed");
    expect(code(decide(send(), policy({ killedEdges: ["agent-b->agent-a"] }), "open"))).toBe("allow");
  });

  it("a known kill is reported as killed even when the policy is unreachable", () => {
    expect(code(decide(send(), policy({ killedAgents: [A] }, "unreachable"), "closed"))).toBe("killed");
    expect(code(decide(act({ actionClass: "red" }), policy({ killedAgents: [A] }, "unreachable"), "open"))).toBe("killed");
  });
});

describe("decide: fail modes", () => {
  it("fail open uses the last snapshot, and red actions still fail closed", () => {
    expect(code(decide(send(), policy({}, "unreachable"), "open"))).toBe("allow");
    expect(code(decide(act({ actionClass: "yellow" }), policy({}, "unreachable"), "open"))).toBe("allow");
    expect(code(decide(act({ actionClass: "red" }), policy({}, "unreachable"), "open"))).toBe("policy_unreachable");
    expect(code(decide(send(), policy({ breakers: { "agent-a->agent-b": "OPEN" } }, "unreachable"), "open"))).toBe("breaker_open");
  });

  it("stale is not unreachable: decisions use the snapshot", () => {
    expect(code(decide(act({ actionClass: "red" }), policy({}, "stale"), "closed"))).toBe("allow");
  });

  it("the reason tells a human what happened and what the guard does", () => {
    expect(decide(send(), policy({}, "unreachable"), "closed")).toEqual({
      allow: false,
      code: "policy_unreachable",
      reason: "sending Quote to agent-b refused: the policy source is unreachable and this guard fails closed",
    });
  });
});

describe("decide: caps", () => {
  const caps = DEFAULT_CAPS;

  it("fan-out: up to the cap is allowed, one more is refused", () => {
    expect(code(decide(send({ fanOut: caps.maxFanOut }), policy(), "open"))).toBe("allow");
    expect(decide(send({ fanOut: caps.maxFanOut + 1 }), policy(), "open")).toMatchObject({ code: "fan_out_cap" });
  });

  it("chain depth: up to the cap is allowed, one more is refused, for sends, receives and actions", () => {
    for (const make of [send, receive, act] as const) {
      expect(code(decide(make({ depth: caps.maxChainDepth }), policy(), "open"))).toBe("allow");
      expect(code(decide(make({ depth: caps.maxChainDepth + 1 }), policy(), "open"))).toBe("chain_depth_cap");
    }
  });

  it("requests and approvals are not work: receiving one is never depth-capped", () => {
    expect(code(decide(receive({ kind: "approval", depth: 99 }), policy(), "open"))).toBe("allow");
    expect(code(decide(receive({ kind: "request", depth: 99 }), policy(), "open"))).toBe("allow");
  });

  it("caps come from the snapshot", () => {
    expect(code(decide(send({ fanOut: 4 }), policy({ caps: { maxFanOut: 10, maxChainDepth: 5 } }), "open"))).toBe("allow");
    expect(code(decide(send({ depth: 1 }), policy({ caps: { maxFanOut: 3, maxChainDepth: 0 } }), "open"))).toBe("chain_depth_cap");
  });

  it("precedence: killed, then unreachable, then breaker, then fan-out, then depth", () => {
    const everything = send({ fanOut: 99, depth: 99 });
    const all = { killedAgents: [A], breakers: { "agent-a->agent-b": "OPEN" as const } };
    expect(code(decide(everything, policy(all, "unreachable"), "closed"))).toBe("killed");
    expect(code(decide(everything, policy({ breakers: all.breakers }, "unreachable"), "closed"))).toBe("policy_unreachable");
    expect(code(decide(everything, policy({ breakers: all.breakers }), "closed"))).toBe("breaker_open");
    expect(code(decide(everything, policy(), "closed"))).toBe("fan_out_cap");
    expect(code(decide(send({ depth: 99 }), policy(), "closed"))).toBe("chain_depth_cap");
  });

  it("is pure: the same input gives the same answer and the snapshot is not touched", () => {
    const p = policy({ breakers: { "agent-a->agent-b": "HALF_OPEN" } });
    const before = JSON.stringify(p);
    expect(decide(send(), p, "closed")).toEqual(decide(send(), p, "closed"));
    expect(JSON.stringify(p)).toBe(before);
  });
});
