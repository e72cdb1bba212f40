// The policy merge: live switches and breaker states into the one document
// guards obey, checked against the guard's own schema and decide().
import { describe, expect, it } from "vitest";
import { mergePolicy } from "@/lib/control/policy-document.ts";
import { decide } from "@/lib/guard/decisions.ts";
import { DEFAULT_CAPS, PolicySnapshot } from "@/lib/guard/policy.ts";
import { killSwitch, pendingKillAll } from "./kill-switch-fixtures.ts";

describe("mergePolicy", () => {
  it("an empty control plane is an empty policy at its version, with default caps", () => {
    expect(mergePolicy(7, [], [])).toEqual({ version: 7, killAll: false, killedAgents: [], killedEdges: [], killedLabels: [], breakers: {}, caps: DEFAULT_CAPS, approvals: {}, quarantinedKeys: [] });
  });

  it("active switches by scope, sorted and de-duplicated; pending and ended switches do not bite", () => {
    const doc = mergePolicy(
      3,
      [
        killSwitch({ scope: "agent", target: "pricer" }),
        killSwitch({ scope: "agent", target: "buyer" }),
        killSwitch({ scope: "agent", target: "pricer" }),
        killSwitch({ scope: "edge", target: "planner->buyer" }),
        killSwitch({ scope: "label", target: "cluster=eu" }),
        killSwitch({ scope: "agent", target: "old", state: "lifted" }),
        pendingKillAll(),
      ],
      [],
    );
    expect(doc).toMatchObject({ killAll: false, killedAgents: ["buyer", "pricer"], killedEdges: ["planner->buyer"], killedLabels: ["cluster=eu"] });
    expect(mergePolicy(4, [pendingKillAll({ state: "active" })], []).killAll).toBe(true);
  });

  it("breakers other than CLOSED, keyed from->to", () => {
    const doc = mergePolicy(
      5,
      [],
      [
        { sender: "a", receiver: "b", state: "OPEN" },
        { sender: "a", receiver: "c", state: "CLOSED" },
        { sender: "b", receiver: "c", state: "FORCED_OPEN" },
        { sender: "c", receiver: "d", state: "METRICS_ONLY" },
      ],
    );
    expect(doc.breakers).toEqual({ "a->b": "OPEN", "b->c": "FORCED_OPEN", "c->d": "METRICS_ONLY" });
  });

  it("is a document the guard parses and decides on: a killed label stops its agents, an open breaker its edge", () => {
    const doc = PolicySnapshot.parse(JSON.parse(JSON.stringify(mergePolicy(9, [killSwitch({ scope: "label", target: "cluster=eu" })], [{ sender: "a", receiver: "b", state: "OPEN" }]))));
    const labels = { eu1: { cluster: "eu" }, us1: { cluster: "us" } };
    const view = { snapshot: doc, status: "fresh" as const };
    expect(decide({ op: "send", agent: "us1", to: ["eu1"], intent: "Q", fanOut: 1, depth: 1, labels }, view, "closed")).toMatchObject({ allow: false, code: "killed" });
    expect(decide({ op: "send", agent: "us1", to: ["us1"], intent: "Q", fanOut: 1, depth: 1, labels }, view, "closed")).toEqual({ allow: true });
    expect(decide({ op: "send", agent: "a", to: ["b"], intent: "Q", fanOut: 1, depth: 1, labels: {} }, view, "closed")).toMatchObject({ allow: false, code: "breaker_open" });
  });
});
