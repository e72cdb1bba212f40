import { describe, expect, it } from "vitest";
import { DEFAULT_QUIET_MS, planIncidents } from "@/lib/engine/incidents/grouping.ts";
import { finding, incident, MIN, T0 } from "./incident-fixtures.ts";

describe("planIncidents: attach or open", () => {
  it("opens one incident per unrelated finding", () => {
    const plan = planIncidents([finding("1", { origins: ["o1"] }), finding("2", { origins: ["o2"] })], []);
    expect(plan.incidents.map((i) => [i.key, i.findingIds])).toEqual([
      ["new:0", ["1"]],
      ["new:1", ["2"]],
    ]);
    expect(plan.assignments.map((a) => a.match)).toEqual(["opened", "opened"]);
    expect(plan.merges).toEqual([]);
    expect(plan.links).toEqual([]);
  });

  it("attaches a finding that shares an origin with an open incident", () => {
    const plan = planIncidents([finding("1", { origins: ["o1"], agents: ["buyer"] })], [incident("7", { originIds: ["o1"], agents: ["pricer"] })]);
    expect(plan.assignments).toEqual([{ findingId: "1", incident: "7", match: "origin" }]);
    const inc = plan.incidents[0]!;
    expect(inc.key).toBe("7");
    expect(inc.isNew).toBe(false);
    expect(inc.agents.sort()).toEqual(["buyer", "pricer"]);
    expect(inc.recordIds).toEqual(["rec-1"]);
    expect(inc.lastAt).toBe(T0);
  });

  it("attaches a finding whose record is downstream of the incident's records (one cascade)", () => {
    const plan = planIncidents([finding("1", { origins: ["o9"], upstream: ["m2", "m1"] })], [incident("7", { originIds: ["o1"], recordIds: ["m1"] })]);
    expect(plan.assignments).toEqual([{ findingId: "1", incident: "7", match: "lineage" }]);
    expect(plan.incidents[0]!.originIds.sort()).toEqual(["o1", "o9"]);
  });

  it("attaches a second finding on a record already in the incident", () => {
    const plan = planIncidents([finding("1", { recordId: "m1", origins: ["o5"] })], [incident("7", { originIds: ["o1"], recordIds: ["m1"] })]);
    expect(plan.assignments[0]!.match).toBe("lineage");
  });

  it("groups findings of one batch with each other, in time order whatever the input order", () => {
    const plan = planIncidents(
      [finding("2", { at: T0 + MIN, origins: ["o1"] }), finding("1", { at: T0, origins: ["o1"] }), finding("3", { at: T0 + 2 * MIN, origins: ["o1"] })],
      [],
    );
    expect(plan.incidents).toHaveLength(1);
    expect(plan.incidents[0]!.findingIds).toEqual(["1", "2", "3"]);
    expect(plan.incidents[0]!.firstAt).toBe(T0);
    expect(plan.incidents[0]!.lastAt).toBe(T0 + 2 * MIN);
  });

  it("groups a finding without a record by its agent, and never merges on an agent alone", () => {
    const plan = planIncidents(
      [finding("1", { recordId: null, agent: "planner", detector: "rate_vs_baseline", agents: ["planner"] })],
      [incident("7", { agents: ["planner"], originIds: ["o1"] }), incident("8", { agents: ["planner"], originIds: ["o2"], firstAt: T0 - 20 * MIN })],
    );
    expect(plan.assignments).toEqual([{ findingId: "1", incident: "8", match: "agent" }]);
    expect(plan.merges).toEqual([]);
    expect(plan.links).toEqual([]);
  });

  it("a finding with a record does not group by agent alone", () => {
    const plan = planIncidents([finding("1", { origins: ["o2"], agents: ["pricer"] })], [incident("7", { originIds: ["o1"], agents: ["pricer"] })]);
    expect(plan.assignments[0]!.match).toBe("opened");
  });

  it("a finding without a record or agent opens its own incident", () => {
    const plan = planIncidents([finding("1", { recordId: null, agent: null, agents: [] })], [incident("7", { agents: ["pricer"] })]);
    expect(plan.assignments[0]!.match).toBe("opened");
    expect(plan.incidents[0]!.title).toContain("unit_price");
  });
});

describe("planIncidents: the quiet window", () => {
  it("an hour without findings closes the incident to grouping: a later finding opens a new one", () => {
    const last = T0 - 5 * MIN;
    const inc = incident("7", { originIds: ["o1"], lastAt: last });
    const inside = planIncidents([finding("1", { origins: ["o1"], at: last + DEFAULT_QUIET_MS })], [inc]);
    expect(inside.assignments[0]!.incident).toBe("7");
    const outside = planIncidents([finding("1", { origins: ["o1"], at: last + DEFAULT_QUIET_MS + 1 })], [inc]);
    expect(outside.assignments[0]).toMatchObject({ incident: "new:0", match: "opened" });
  });

  it("a steady trickle keeps one incident open: the window runs from the latest finding", () => {
    const findings = [0, 50, 100, 150].map((m, i) => finding(String(i), { origins: ["o1"], at: T0 + m * MIN }));
    expect(planIncidents(findings, []).incidents).toHaveLength(1);
  });

  it("the window is configurable, and a late-arriving earlier finding within it still joins", () => {
    const inc = incident("7", { originIds: ["o1"], firstAt: T0, lastAt: T0 });
    expect(planIncidents([finding("1", { origins: ["o1"], at: T0 + 2 * MIN })], [inc], { quietMs: MIN }).assignments[0]!.match).toBe("opened");
    const early = planIncidents([finding("1", { origins: ["o1"], at: T0 - 30 * MIN })], [inc]);
    expect(early.assignments[0]!.incident).toBe("7");
    expect(early.incidents[0]!.firstAt).toBe(T0 - 30 * MIN);
  });
});

describe("planIncidents: merging and linking", () => {
  it("a finding with two origins merges the two untouched incidents into the older", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "o2"] })],
      [incident("8", { originIds: ["o2"], firstAt: T0 - 20 * MIN, agents: ["b"] }), incident("7", { originIds: ["o1"], agents: ["a"] })],
    );
    expect(plan.merges).toEqual([{ from: "7", into: "8", findingId: "1" }]);
    expect(plan.assignments).toEqual([{ findingId: "1", incident: "8", match: "origin" }]);
    expect(plan.incidents.map((i) => i.key)).toEqual(["8"]);
    expect(plan.incidents[0]!.originIds.sort()).toEqual(["o1", "o2"]);
    expect(plan.incidents[0]!.agents.sort()).toEqual(["a", "b", "pricer"]);
    expect(plan.links).toEqual([]);
  });

  it("never merges once an analyst has acted on either: it links them instead", () => {
    const plan = planIncidents([finding("1", { origins: ["o1", "o2"] })], [incident("7", { originIds: ["o1"], acted: true }), incident("8", { originIds: ["o2"] })]);
    expect(plan.merges).toEqual([]);
    expect(plan.links).toEqual([{ a: "7", b: "8", findingId: "1" }]);
    expect(plan.assignments).toHaveLength(1);
  });

  it("with both acted on, the finding joins the oldest and the two are linked", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "o2"] })],
      [incident("8", { originIds: ["o2"], acted: true }), incident("7", { originIds: ["o1"], acted: true, firstAt: T0 - 30 * MIN })],
    );
    expect(plan.assignments[0]!.incident).toBe("7");
    expect(plan.links).toEqual([{ a: "7", b: "8", findingId: "1" }]);
    expect(plan.merges).toEqual([]);
  });

  it("merges the untouched ones among three and links the touched one", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "o2", "o3"] })],
      [incident("7", { originIds: ["o1"], acted: true, firstAt: T0 - 40 * MIN }), incident("8", { originIds: ["o2"], firstAt: T0 - 30 * MIN }), incident("9", { originIds: ["o3"] })],
    );
    // The acted-on one is the oldest, so the finding joins it; the other two stay as they are.
    expect(plan.assignments[0]!.incident).toBe("7");
    expect(plan.merges).toEqual([]);
    expect(plan.links).toEqual([
      { a: "7", b: "8", findingId: "1" },
      { a: "7", b: "9", findingId: "1" },
    ]);
  });

  it("when the strongest match is untouched, other untouched matches merge into it and touched ones are linked", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "o3"], upstream: ["m2"] })],
      [
        incident("7", { originIds: ["o1"], firstAt: T0 - 40 * MIN }),
        incident("8", { originIds: ["o9"], recordIds: ["m2"], acted: true }),
        incident("9", { originIds: ["o3"], firstAt: T0 - 20 * MIN }),
      ],
    );
    expect(plan.assignments[0]!.incident).toBe("7");
    expect(plan.merges).toEqual([{ from: "9", into: "7", findingId: "1" }]);
    expect(plan.links).toEqual([{ a: "7", b: "8", findingId: "1" }]);
  });

  it("incidents opened earlier in the same batch fold into each other without ever being stored", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1"], at: T0 }), finding("2", { origins: ["o2"], at: T0 + MIN }), finding("3", { origins: ["o1", "o2"], at: T0 + 2 * MIN })],
      [],
    );
    expect(plan.merges).toEqual([]);
    expect(plan.incidents).toHaveLength(1);
    expect(plan.incidents[0]!.findingIds.sort()).toEqual(["1", "2", "3"]);
    expect(new Set(plan.assignments.map((a) => a.incident))).toEqual(new Set(["new:0"]));
  });

  it("an existing incident absorbs a new one opened earlier in the batch; assignments follow the merge", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o2"], at: T0 }), finding("2", { origins: ["o1", "o2"], at: T0 + MIN })],
      [incident("7", { originIds: ["o1"] })],
    );
    expect(plan.assignments.map((a) => a.incident)).toEqual(["7", "7"]);
    expect(plan.incidents.map((i) => [i.key, i.findingIds])).toEqual([["7", ["1", "2"]]]);
    expect(plan.merges).toEqual([]);
  });

  it("links follow a later merge and are never duplicated", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "oA"], at: T0 }), finding("2", { origins: ["o1", "oA"], at: T0 + MIN }), finding("3", { origins: ["o6", "o1"], at: T0 + 2 * MIN })],
      [
        incident("5", { originIds: ["oA"], acted: true, firstAt: T0 + 30 * MIN, lastAt: T0 + 30 * MIN }),
        incident("6", { originIds: ["o6"], firstAt: T0 - 50 * MIN }),
        incident("7", { originIds: ["o1"] }),
      ],
    );
    // Finding 1 joins 7 and links it to 5 (acted on); finding 2 would link them again; finding 3 merges 7 into the older 6.
    expect(plan.merges).toEqual([{ from: "7", into: "6", findingId: "3" }]);
    expect(plan.links).toEqual([{ a: "5", b: "6", findingId: "1" }]);
    expect(plan.assignments.map((a) => a.incident)).toEqual(["6", "6", "6"]);
  });

  it("ignores merged-away incidents for later findings in the batch", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1", "o2"], at: T0 }), finding("2", { origins: ["o2"], at: T0 + MIN })],
      [incident("7", { originIds: ["o1"], firstAt: T0 - 30 * MIN }), incident("8", { originIds: ["o2"] })],
    );
    expect(plan.merges).toEqual([{ from: "8", into: "7", findingId: "1" }]);
    expect(plan.assignments.map((a) => a.incident)).toEqual(["7", "7"]);
  });
});

describe("planIncidents: severity and edge cases", () => {
  it("severity only rises as findings join or incidents merge", () => {
    const plan = planIncidents(
      [finding("1", { origins: ["o1"], impact: 60 }), finding("2", { origins: ["o1"], impact: 1, at: T0 + MIN })],
      [incident("7", { originIds: ["o1"], severity: "medium" })],
    );
    expect(plan.incidents[0]!.severity).toBe("high");
    const merged = planIncidents([finding("1", { origins: ["o1", "o2"] })], [incident("7", { originIds: ["o1"], firstAt: T0 - 30 * MIN }), incident("8", { originIds: ["o2"], severity: "critical" })]);
    expect(merged.incidents[0]!.severity).toBe("critical");
  });

  it("empty input: an empty plan", () => {
    expect(planIncidents([], [incident("7")])).toEqual({ incidents: [], assignments: [], merges: [], links: [] });
  });

  it("duplicate origins and agents are stored once; a long title is cut", () => {
    const plan = planIncidents([finding("1", { origins: ["o1", "o1"], agents: ["a", "a"], explanation: "x".repeat(500) })], []);
    expect(plan.incidents[0]!.originIds).toEqual(["o1"]);
    expect(plan.incidents[0]!.agents).toEqual(["a"]);
    expect(plan.incidents[0]!.title.length).toBe(200);
  });

  it("a long cascade of 5,000 findings stays one incident, without recursion", () => {
    const findings = Array.from({ length: 5_000 }, (_, i) => finding(String(i), { origins: [`o${i}`], upstream: i === 0 ? [] : [`rec-${i - 1}`], at: T0 + i * 1000 }));
    const plan = planIncidents(findings, []);
    expect(plan.incidents).toHaveLength(1);
    expect(plan.incidents[0]!.findingIds).toHaveLength(5_000);
  });

  it("incident ids compare as numbers when choosing the survivor", () => {
    const plan = planIncidents([finding("1", { origins: ["o1", "o2"] })], [incident("10", { originIds: ["o1"] }), incident("9", { originIds: ["o2"] })]);
    expect(plan.merges).toEqual([{ from: "10", into: "9", findingId: "1" }]);
  });
});
