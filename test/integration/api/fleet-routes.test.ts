// The fleet routes (overview, activity, timeline) against a real database
// seeded with the dashboard scenario, breakers, incidents and findings; the
// expected numbers are counted by hand from the fixtures, and every answer
// is checked against the zod view the dashboard reads it with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBody, expectError, get, openApiDatabase } from "../engine-api/api-harness.ts";

const api = await openApiDatabase();
const overview = await import("@/app/api/v1/overview/route.ts");
const activity = await import("@/app/api/v1/activity/route.ts");
const timeline = await import("@/app/api/v1/timeline/route.ts");
const views = await import("@/lib/api/fleet-views.ts");
const { dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents, insertStoredRecords, resetStoredIds } = await import("../../fixtures/stored-records.ts");

const MIN = 60_000;
const now = Date.now();

describe("fleet routes", () => {
  let plannerToExecutor = "";
  beforeAll(async () => {
    resetStoredIds();
    const scenario = dashboardScenario(new Date(now));
    await insertStoredAgents(api.pool, scenario.agents);
    await insertStoredRecords(api.pool, scenario.records);
    plannerToExecutor = scenario.records.find((r) => r.agent === "planner" && r.receivers.includes("executor"))!.recordId;
    const state = (s: string, r: string, m: Record<string, unknown>) =>
      api.pool.query(`INSERT INTO breaker_states (sender, receiver, state, since, machine) VALUES ($1, $2, $3, $4, $5::jsonb)`, [s, r, m.state, new Date(m.since as number), JSON.stringify(m)]);
    await state("planner", "executor", { state: "OPEN", since: now - 2 * MIN, until: now + 4 * MIN, awaitingReview: false });
    await state("rogue-agent", "executor", { state: "FORCED_OPEN", since: now - 3 * MIN, actor: "alice", reason: "rogue sender" });
    await state("researcher", "planner", { state: "OPEN", since: now - 5 * MIN, until: now - MIN, awaitingReview: true });
    await api.pool.query(
      `INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor) VALUES
        ('planner', 'executor', 'CLOSED', 'OPEN', $1, 'failures', ARRAY[$3], '3 failures in a row (limit 3)', NULL),
        ('rogue-agent', 'executor', 'CLOSED', 'FORCED_OPEN', $2, 'forced', '{}', 'kill switch: rogue sender', 'alice')`,
      [new Date(now - 2 * MIN), new Date(now - 3 * MIN), plannerToExecutor],
    );
    await api.pool.query(
      `INSERT INTO incidents (title, severity, status, first_at, last_at) VALUES
        ('a', 'high', 'open', now(), now()), ('b', 'critical', 'open', now(), now()), ('c', 'critical', 'open', now(), now()),
        ('d', 'low', 'acknowledged', now(), now()), ('e', 'medium', 'resolved', now(), now())`,
    );
    const finding = (detector: string, agent: string, record: string | null, minAgo: number, impact: number | null, reach: number | null, params: object = {}) =>
      api.pool.query(
        `INSERT INTO anomaly_findings (detector, record_id, agent, subject, score, explanation, params, evidence, ts, impact, reach)
         VALUES ($1, $2, $3, 'subject', 4.2, $4, $5, $6, $7, $8, $9)`,
        [detector, record, agent, `${detector} of ${agent} (${minAgo}m ago)`, JSON.stringify(params), record ? [record] : [], new Date(now - minAgo * MIN), impact, reach],
      );
    await finding("semantic_deviation", "planner", plannerToExecutor, 30, 60, 4, { median: 100, value: 1200, minRatio: 1.5, maxRatio: 10, zThreshold: 3.5, z: 9 });
    await finding("rate_vs_baseline", "planner", null, 20, 5, 1);
    await finding("new_edge", "rogue-agent", null, 14, null, null);
    await finding("fan_out_burst", "researcher", null, 40, 20, 2);
    // Outside the hour: counted by 24h only.
    await finding("new_intent", "executor", null, 180, 1, 0);
  });
  afterAll(() => api.close());

  it("GET /api/v1/overview counts edges and agents by breaker, open incidents by severity, and ranks the blast radius", async () => {
    const o = await expectBody(overview.GET(get("/api/v1/overview?window=24h")), 200, views.OverviewView);
    // 5 edges with traffic; planner->executor OPEN, researcher->planner OPEN (awaiting review), rogue-agent->executor FORCED_OPEN.
    expect(o.edges).toEqual({ CLOSED: 2, HALF_OPEN: 0, OPEN: 2, FORCED_OPEN: 1, METRICS_ONLY: 0 });
    // planner OPEN, researcher OPEN, rogue-agent FORCED_OPEN, executor only sends on a closed edge.
    expect(o.agents).toEqual({ CLOSED: 1, HALF_OPEN: 0, OPEN: 2, FORCED_OPEN: 1, METRICS_ONLY: 0 });
    expect(o.awaitingReview).toBe(1);
    expect(o.incidents).toEqual({ low: 0, medium: 0, high: 1, critical: 2 });
    expect(o.acknowledged).toBe(1);
    expect(o.blast.map((b) => [b.agent, b.maxImpact, b.findings])).toEqual([
      ["planner", 60, 2],
      ["researcher", 20, 1],
      ["executor", 1, 1],
      ["rogue-agent", null, 1],
    ]);
    expect(o.blast[0]).toMatchObject({ displayName: "Trip planner", maxReach: 4, topExplanation: "semantic_deviation of planner (30m ago)" });
    // 24h in round steps of at most 60 buckets: 30 minutes.
    expect(o.series.stepMs).toBe(30 * MIN);
    expect(o.series.buckets.reduce((n, b) => n + b.findings, 0)).toBe(5);
  });

  it("GET /api/v1/overview over the last hour: every record and finding of the hour, in buckets with no gaps", async () => {
    const o = await expectBody(overview.GET(get("/api/v1/overview?window=1h")), 200, views.OverviewView);
    const sum = (k: "records" | "verified" | "failed" | "findings") => o.series.buckets.reduce((n, b) => n + b[k], 0);
    // planner 10 + researcher 7 + executor's action 1 + rogue-agent 3.
    expect(sum("records")).toBe(21);
    expect(sum("verified")).toBe(15);
    // planner's forged copy and replay, rogue-agent's 3; researcher's pending record has not failed.
    expect(sum("failed")).toBe(5);
    expect(sum("findings")).toBe(4);
    expect(o.series.stepMs).toBe(MIN);
    const starts = o.series.buckets.map((b) => Date.parse(b.at));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(MIN);
    expect(starts[0]).toBeLessThanOrEqual(Date.parse(o.from));
  });

  it("GET /api/v1/activity for an agent and for an edge", async () => {
    const a = await expectBody(activity.GET(get("/api/v1/activity?agent=planner&window=1h")), 200, views.ActivityView);
    expect(a.subject).toBe("planner");
    expect(a.buckets.reduce((n, b) => n + b.records, 0)).toBe(10);
    expect(a.buckets.reduce((n, b) => n + b.findings, 0)).toBe(2);
    const e = await expectBody(activity.GET(get("/api/v1/activity?sender=planner&receiver=executor&window=1h")), 200, views.ActivityView);
    expect(e.subject).toBe("planner -> executor");
    expect(e.buckets.reduce((n, b) => n + b.records, 0)).toBe(2);
    expect(e.buckets.reduce((n, b) => n + b.verified, 0)).toBe(1);
    expect(e.buckets.reduce((n, b) => n + b.failed, 0)).toBe(1);
    // Only the finding whose record went planner -> executor.
    expect(e.buckets.reduce((n, b) => n + b.findings, 0)).toBe(1);
  });

  it("GET /api/v1/activity says what is missing", async () => {
    expect((await expectError(activity.GET(get("/api/v1/activity")), 400)).details.map((d) => d.path)).toContain("query.agent");
    expect((await expectError(activity.GET(get("/api/v1/activity?sender=planner")), 400)).details.map((d) => d.message)).toContain("an edge needs both sender and receiver");
    await expectError(activity.GET(get("/api/v1/activity?agent=planner&sender=a&receiver=b")), 400);
    await expectError(activity.GET(get("/api/v1/activity?agent=planner&window=2y")), 400);
  });

  it("GET /api/v1/timeline: findings with their record's receivers and params, transitions with their records, oldest first", async () => {
    const t = await expectBody(timeline.GET(get("/api/v1/timeline?window=1h")), 200, views.TimelineView);
    expect(t.truncated).toBe(false);
    expect(t.findings.map((f) => f.detector)).toEqual(["fan_out_burst", "semantic_deviation", "rate_vs_baseline", "new_edge"]);
    const sd = t.findings.find((f) => f.detector === "semantic_deviation")!;
    expect(sd.receivers).toEqual(["executor"]);
    expect(sd.params).toMatchObject({ median: 100, value: 1200 });
    expect(t.findings.find((f) => f.detector === "new_edge")!.receivers).toEqual([]);
    expect(t.transitions.map((x) => [x.sender, x.to, x.actor])).toEqual([
      ["rogue-agent", "FORCED_OPEN", "alice"],
      ["planner", "OPEN", null],
    ]);
    expect(t.transitions[1]!.recordIds).toEqual([plannerToExecutor]);
    const only = await expectBody(timeline.GET(get("/api/v1/timeline?window=1h&agent=rogue-agent")), 200, views.TimelineView);
    expect(only.findings.map((f) => f.agent)).toEqual(["rogue-agent"]);
    expect(only.transitions.map((x) => x.sender)).toEqual(["rogue-agent"]);
  });

  it("refuses an unauthenticated caller", async () => {
    await expectError(overview.GET(get("/api/v1/overview", {})), 401);
  });
});
