// The breaker routes against a real database: the state of every edge, the
// stored events, and human actions recorded with who took them and why.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import { observeRecords } from "@/lib/engine/breaker/breaker-runner.ts";
import type { ObservedRecord } from "@/lib/engine/breaker/edge-breakers.ts";
import { expectBody, expectError, get, iso, openApiDatabase, send } from "./api-harness.ts";

const api = await openApiDatabase();
const list = await import("@/app/api/v1/breakers/route.ts");
const events = await import("@/app/api/v1/breakers/events/route.ts");
const operate = await import("@/app/api/v1/breakers/operate/route.ts");
const views = await import("@/lib/api/engine-views.ts");

const ACTOR = "admin (bearer)";
const T = Date.UTC(2026, 10, 21, 12);
let n = 0;
const rec = (agent: string, receiver: string, sec: number, failed: boolean): ObservedRecord => ({
  recordId: `r${++n}`,
  agent,
  receivers: [receiver],
  at: T + sec * 1000,
  verified: !failed,
  verdicts: failed ? ["bad_signature"] : ["verified"],
  anomalous: false,
});
const plain = { policy: BreakerPolicy.parse({}), leadsToRed: new Set<string>() };
const act = (body: Record<string, unknown>) => operate.POST(send("POST", "/api/v1/breakers/operate", body));

describe("breaker routes", () => {
  afterAll(() => api.close());
  beforeEach(async () => {
    n = 0;
    await api.pool.query(`TRUNCATE breaker_states, breaker_events, records CASCADE`);
  });

  it("GET /breakers gives each edge's state, when an open one reopens, and its failure counts", async () => {
    // planner -> pricer trips on 3 failures in a row; planner -> buyer has 2 failures in a row so far.
    await observeRecords(
      api.pool, "default",
      [rec("planner", "pricer", 0, true), rec("planner", "pricer", 1, true), rec("planner", "pricer", 2, true), rec("planner", "buyer", 3, false), rec("planner", "buyer", 4, true), rec("planner", "buyer", 5, true)],
      plain,
    );
    const all = await expectBody(list.GET(get("/api/v1/breakers")), 200, views.BreakersResponse);
    expect(all.items.map((b) => [b.sender, b.receiver, b.state])).toEqual([
      ["planner", "buyer", "CLOSED"],
      ["planner", "pricer", "OPEN"],
    ]);
    expect(all.items[0]).toMatchObject({ failures: { inARow: 2, window: { calls: 3, failures: 2, anomalies: 0 } }, reopensAt: null, awaitingReview: false, forced: null });
    expect(all.items[1]).toMatchObject({ since: iso(T + 2000), reopensAt: iso(T + 302_000), awaitingReview: false, failures: null });

    const open = await expectBody(list.GET(get("/api/v1/breakers?state=OPEN")), 200, views.BreakersResponse);
    expect(open.items.map((b) => b.receiver)).toEqual(["pricer"]);
    expect((await expectBody(list.GET(get("/api/v1/breakers?receiver=buyer&sender=planner")), 200, views.BreakersResponse)).items).toHaveLength(1);
    const bad = await expectError(list.GET(get("/api/v1/breakers?state=AJAR")), 400);
    expect(bad.details[0]!.path).toBe("query.state");
  });

  it("POST /breakers/operate force_open is stored as an event with the actor and the reason", async () => {
    const res = await expectBody(act({ sender: "planner", receiver: "payments", action: "force_open", reason: "incident 7: payments draining" }), 200, views.BreakerOperationView);
    expect(res.breaker).toMatchObject({ sender: "planner", receiver: "payments", state: "FORCED_OPEN", forced: { actor: ACTOR, reason: "incident 7: payments draining" } });
    expect(res.transitions).toEqual([expect.objectContaining({ from: "CLOSED", to: "FORCED_OPEN", cause: "forced", actor: ACTOR, detail: "kill switch: incident 7: payments draining" })]);

    const stored = await expectBody(events.GET(get("/api/v1/breakers/events?sender=planner&cause=forced")), 200, views.BreakerEventsResponse);
    expect(stored.items).toEqual([expect.objectContaining({ sender: "planner", receiver: "payments", cause: "forced", actor: ACTOR, detail: "kill switch: incident 7: payments draining", recordIds: [] })]);
    expect((await expectBody(list.GET(get("/api/v1/breakers?state=FORCED_OPEN")), 200, views.BreakersResponse)).items).toHaveLength(1);

    // Releasing keeps its reason on the event too.
    await expectBody(act({ sender: "planner", receiver: "payments", action: "release", reason: "fixed in 1.4.2" }), 200, views.BreakerOperationView);
    const after = await expectBody(events.GET(get("/api/v1/breakers/events?receiver=payments")), 200, views.BreakerEventsResponse);
    expect(after.items.map((e) => [e.cause, e.actor, e.detail])).toEqual([
      ["released", ACTOR, "kill switch released (fixed in 1.4.2)"],
      ["forced", ACTOR, "kill switch: incident 7: payments draining"],
    ]);
  });

  it("409s an action that does not apply in the breaker's state, and stores nothing", async () => {
    await expectBody(act({ sender: "a", receiver: "b", action: "force_open", reason: "drill" }), 200, views.BreakerOperationView);
    const again = await expectError(act({ sender: "a", receiver: "b", action: "force_open", reason: "drill again" }), 409);
    expect(again.message).toBe("cannot force open the breaker a -> b: the kill switch is already on");
    const reset = await expectError(act({ sender: "a", receiver: "b", action: "reset", reason: "try" }), 409);
    expect(reset.message).toBe("cannot reset the breaker a -> b: the kill switch is released, not reset");
    const review = await expectError(act({ sender: "c", receiver: "d", action: "review", decision: "release", reason: "looked fine" }), 409);
    expect(review.message).toMatch(/not waiting for review; the breaker is CLOSED$/);
    expect((await expectBody(events.GET(get("/api/v1/breakers/events")), 200, views.BreakerEventsResponse)).items).toHaveLength(1);
  });

  it("runs dry run, enforce and reset with their reasons", async () => {
    await expectBody(act({ sender: "a", receiver: "b", action: "dry_run", reason: "tuning thresholds" }), 200, views.BreakerOperationView);
    const enforced = await expectBody(act({ sender: "a", receiver: "b", action: "enforce", reason: "tuned" }), 200, views.BreakerOperationView);
    expect(enforced.breaker.state).toBe("CLOSED");
    await expectBody(act({ sender: "a", receiver: "b", action: "reset", reason: "clean slate" }), 200, views.BreakerOperationView);
    const stored = await expectBody(events.GET(get("/api/v1/breakers/events?limit=2")), 200, views.BreakerEventsResponse);
    expect(stored.items.map((e) => e.detail)).toEqual(["reset to closed by hand (clean slate)", "enforcing again (tuned)"]);
  });

  it("400s an operation without a reason, a review without a decision, and an unknown action", async () => {
    const noReason = await expectError(act({ sender: "a", receiver: "b", action: "force_open" }), 400);
    expect(noReason.details).toEqual([{ path: "body.reason", message: "reason is required: say why, it is stored with your name" }]);
    const noDecision = await expectError(act({ sender: "a", receiver: "b", action: "review", reason: "ok" }), 400);
    expect(noDecision.details).toEqual([{ path: "body.decision", message: "a review needs a decision: release or keep_open" }]);
    const unknown = await expectError(act({ sender: "a", receiver: "b", action: "explode", reason: "x" }), 400);
    expect(unknown.details[0]!.path).toBe("body.action");
    const badCause = await expectError(events.GET(get("/api/v1/breakers/events?cause=boredom")), 400);
    expect(badCause.details[0]!.path).toBe("query.cause");
  });

  it("needs credentials", async () => {
    await expectError(list.GET(get("/api/v1/breakers", {})), 401);
    await expectError(events.GET(get("/api/v1/breakers/events", {})), 401);
    await expectError(operate.POST(send("POST", "/api/v1/breakers/operate", { sender: "a", receiver: "b", action: "force_open", reason: "r" }, {})), 401);
    expect((await expectBody(list.GET(get("/api/v1/breakers")), 200, views.BreakersResponse)).items).toEqual([]);
  });
});
