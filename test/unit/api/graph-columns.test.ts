import { describe, expect, it } from "vitest";
import { GraphColumns, fromGraphColumns, toGraphColumns } from "@/lib/api/graph-columns.ts";
import { GraphQuery, GraphResponse } from "@/lib/api/graph-views.ts";
import { graphAnswer, graphBreaker, graphLink, graphNode } from "../../fixtures/graph-answer.ts";

// The graph's answer as columns (?format=columns) must give back exactly the
// answer as objects: every count, time, breaker detail, in the same order.

const TO = "2026-11-21T12:00:00.000Z";

function sample() {
  return graphAnswer(
    [graphNode("approver", { displayName: "Approver", labels: { team: "ops" }, sent: 0, received: 7 }), graphNode("executor", { killed: true }), graphNode("planner", { registered: false, attested: false })],
    [
      graphLink("planner", "executor", { messages: 9, verified: 6, unverified: 2, forgedOrReplayed: 1, lastSeen: "2026-11-21T11:59:59.999Z" }),
      graphLink("executor", "approver", { lastSeen: "2026-11-20T12:00:00.001Z", breaker: graphBreaker("OPEN", { since: "2026-11-21T11:00:00.000Z", awaitingReview: true, reason: "waiting for a review" }) }),
      graphLink("approver", "planner", { messages: 0, verified: 0, breaker: graphBreaker("FORCED_OPEN", { since: "2026-11-21T10:00:00.000Z", reason: "alice: contained" }) }),
      graphLink("planner", "approver", { breaker: graphBreaker("METRICS_ONLY") }),
      graphLink("planner", "planner", { breaker: graphBreaker("HALF_OPEN", { since: "2026-11-21T11:30:00.000Z", openUntil: null, reason: "open period ran out" }) }),
    ],
    { to: TO, replay: true, labelValues: { team: ["ops", "travel"] } },
  );
}

describe("the graph's answer as columns", () => {
  it("gives back the same answer, field for field, and passes its own schema", () => {
    const g = sample();
    const c = toGraphColumns(g);
    expect(GraphColumns.safeParse(c).success).toBe(true);
    const back = fromGraphColumns(GraphColumns.parse(JSON.parse(JSON.stringify(c))));
    expect(back).toEqual(g);
    expect(GraphResponse.safeParse(back).success).toBe(true);
  });

  it("names endpoints by their place among the nodes and spells out only breakers with more than a state", () => {
    const c = toGraphColumns(sample());
    expect(c.links.sender).toEqual([2, 1, 0, 2, 2]);
    expect(c.links.receiver).toEqual([1, 0, 2, 0, 2]);
    expect(c.links.state.map((i) => c.states[i])).toEqual(["CLOSED", "OPEN", "FORCED_OPEN", "METRICS_ONLY", "HALF_OPEN"]);
    expect(Object.keys(c.links.breakers)).toEqual(["1", "2", "4"]);
    expect(c.links.lastSeenBefore).toEqual([1, 86_399_999, null, null, null]);
  });

  it("keeps an empty graph empty", () => {
    const g = graphAnswer([], []);
    expect(fromGraphColumns(toGraphColumns(g))).toEqual(g);
  });

  it("is a sixth of the bytes of the objects for a big graph", () => {
    const nodes = Array.from({ length: 1_000 }, (_, i) => graphNode(`agent-${String(i).padStart(4, "0")}`));
    const links = Array.from({ length: 10_000 }, (_, i) =>
      graphLink(nodes[i % 1_000]!.id, nodes[(i * 7 + 1) % 1_000]!.id, { messages: 4, verified: 4, lastSeen: new Date(Date.parse(TO) - i * 1_000).toISOString() }),
    );
    const g = graphAnswer(nodes, links, { to: TO });
    const objects = JSON.stringify(g).length;
    const columns = JSON.stringify(toGraphColumns(g)).length;
    expect(columns * 5).toBeLessThan(objects);
    expect(fromGraphColumns(toGraphColumns(g))).toEqual(g);
  });

  it("refuses a link to an agent that is not among the nodes, and columns that do not line up", () => {
    expect(() => toGraphColumns(graphAnswer([graphNode("a")], [graphLink("a", "ghost")]))).toThrow(/ghost.*not among the nodes/);
    const c = toGraphColumns(sample());
    expect(() => fromGraphColumns({ ...c, links: { ...c.links, messages: c.links.messages.slice(1) } })).toThrow(/links.messages has 4 entries, links.sender 5/);
    expect(() => fromGraphColumns({ ...c, links: { ...c.links, receiver: [9, 0, 2, 0, 2] } })).toThrow(/link 0 points past the nodes/);
    expect(() => fromGraphColumns({ ...c, links: { ...c.links, state: [0, 0, 0, 0, 7] } })).toThrow(/link 4 points past the nodes or the states/);
  });

  it("is asked for with format=columns; objects stay the default", () => {
    expect(GraphQuery.parse({}).format).toBe("objects");
    expect(GraphQuery.parse({ format: "columns" }).format).toBe("columns");
    expect(GraphQuery.safeParse({ format: "csv" }).error?.issues[0]?.message).toBe("format must be objects or columns");
  });
});
