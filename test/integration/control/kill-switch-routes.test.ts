// Kill switches end to end on a real PostgreSQL: the routes (reasons,
// duplicates, the two-person kill-all, lifting), the events and audit
// entries each act writes in its transaction, and the policy stream: a kill
// made through a route handler, or a breaker changed by the engine on
// another connection, reaches a guard's ControlPlanePolicy over real HTTP
// within a second, and the guard then refuses the traffic.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SignInView } from "@/lib/api/account-views.ts";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import { observeRecords } from "@/lib/engine/breaker/breaker-runner.ts";
import { ControlPlanePolicy } from "@/lib/guard/control-plane-policy.ts";
import { GuardRefusal } from "@/lib/guard/refusal.ts";
import { serveRoutes, type RouteServer } from "../../helpers/route-server.ts";
import { A, B, guardOf, makeWorld } from "../../unit/guard/guard-fixtures.ts";
import { expectBody, expectError, get, openApiDatabase, params, send, TOKEN } from "../engine-api/api-harness.ts";

const api = await openApiDatabase();
const switches = await import("@/app/api/v1/kill-switches/route.ts");
const confirm = await import("@/app/api/v1/kill-switches/[id]/confirm/route.ts");
const lift = await import("@/app/api/v1/kill-switches/[id]/lift/route.ts");
const policyRoute = await import("@/app/api/v1/control/policy/route.ts");
const streamRoute = await import("@/app/api/v1/control/stream/route.ts");
const operate = await import("@/app/api/v1/breakers/operate/route.ts");
const sessionRoute = await import("@/app/api/v1/session/route.ts");
const views = await import("@/lib/api/control-views.ts");
const { policyHub } = await import("@/lib/db/policy-hub.ts");

const kill = (body: Record<string, unknown>, headers?: Record<string, string>) => switches.POST(send("POST", "/api/v1/kill-switches", body, headers));
const confirmAs = (id: string, reason: string, headers?: Record<string, string>) =>
  confirm.POST(send("POST", `/api/v1/kill-switches/${id}/confirm`, { reason }, headers), params({ id }));
const liftIt = (id: string, reason: string) => lift.POST(send("POST", `/api/v1/kill-switches/${id}/lift`, { reason }), params({ id }));

async function auditRows(): Promise<{ actor: string; action: string; target: string; detail: { reason: string } }[]> {
  return (await api.pool.query(`SELECT actor, action, target, detail FROM audit_entries ORDER BY seq`)).rows;
}

let server: RouteServer | null = null;
const sources: ControlPlanePolicy[] = [];

describe("kill switch routes", () => {
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await server?.close();
    await policyHub().close();
    await api.close();
  });
  beforeEach(async () => {
    await api.pool.query(`TRUNCATE kill_switches, kill_switch_events, audit_entries, breaker_states, breaker_events`);
  });

  it("a kill needs a reason (400 that says so), is stored as an event and audited, and cannot be doubled", async () => {
    const noReason = await expectError(kill({ scope: "agent", agent: "pricer" }), 400);
    expect(noReason.message).toMatch(/reason is required: say why/);
    expect((await expectError(kill({ scope: "agent", agent: "pricer", reason: "  " }), 400)).message).toMatch(/reason is empty/);
    expect((await expectError(kill({ scope: "label", label: "cluster = eu", reason: "x" }), 400)).message).toMatch(/key=value/);
    expect((await expectError(kill({ scope: "everything", reason: "x" }), 400)).details[0]!.path).toBe("body.scope");

    const made = await expectBody(kill({ scope: "agent", agent: "pricer", reason: "quoting from a poisoned feed" }), 201, views.KillSwitchView);
    expect(made).toMatchObject({ scope: "agent", target: "pricer", state: "active", requestedBy: "admin (bearer)", reason: "quoting from a poisoned feed", expiresAt: null });
    await expectBody(kill({ scope: "edge", sender: "planner", receiver: "buyer", reason: "loop" }), 201, views.KillSwitchView);
    await expectBody(kill({ scope: "label", label: "cluster=eu", reason: "eu region compromised" }), 201, views.KillSwitchView);

    const again = await expectError(kill({ scope: "agent", agent: "pricer", reason: "again" }), 409);
    expect(again.message).toMatch(new RegExp(`agent pricer is already killed by switch ${made.id} \\(admin \\(bearer\\): quoting from a poisoned feed\\); lift that one first`));

    const events = await api.pool.query(`SELECT action, scope, target, actor, reason FROM kill_switch_events ORDER BY id`);
    expect(events.rows.map((r) => [r.action, r.scope, r.target])).toEqual([
      ["kill", "agent", "pricer"],
      ["kill", "edge", "planner->buyer"],
      ["kill", "label", "cluster=eu"],
    ]);
    const audit = await auditRows();
    expect(audit.map((a) => [a.actor, a.action, a.target, a.detail.reason])).toEqual([
      ["admin (bearer)", "kill.agent", "agent:pricer", "quoting from a poisoned feed"],
      ["admin (bearer)", "kill.edge", "edge:planner->buyer", "loop"],
      ["admin (bearer)", "kill.label", "label:cluster=eu", "eu region compromised"],
    ]);

    const list = await expectBody(switches.GET(get("/api/v1/kill-switches")), 200, views.KillSwitchesResponse);
    expect(list.active.map((s) => s.target).sort()).toEqual(["cluster=eu", "planner->buyer", "pricer"]);
    const policy = await expectBody(policyRoute.GET(get("/api/v1/control/policy")), 200, views.ControlPolicyView);
    expect(policy).toMatchObject({ killAll: false, killedAgents: ["pricer"], killedEdges: ["planner->buyer"], killedLabels: ["cluster=eu"] });
    expect(policy.version).toBe(list.version);
  });

  it("kill-all waits for a second, different on-call: the same actor gets 409, another confirms, then it bites", async () => {
    const pending = await expectBody(kill({ scope: "all", reason: "every agent is exfiltrating" }), 201, views.KillSwitchView);
    expect(pending.state).toBe("pending");
    expect(Date.parse(pending.expiresAt!) - Date.parse(pending.requestedAt)).toBe(300_000);
    expect((await expectBody(policyRoute.GET(get("/api/v1/control/policy")), 200, views.ControlPolicyView)).killAll).toBe(false);
    expect((await expectBody(switches.GET(get("/api/v1/kill-switches")), 200, views.KillSwitchesResponse)).pendingKillAll?.id).toBe(pending.id);
    expect((await expectError(kill({ scope: "all", reason: "me too" }), 409)).message).toMatch(/already awaits confirmation/);

    const same = await expectError(confirmAs(pending.id, "yes"), 409);
    expect(same.message).toBe("admin (bearer) requested this kill-all and cannot also confirm it: a second, different on-call must confirm");
    expect((await expectError(confirmAs(pending.id, ""), 400)).message).toMatch(/reason is empty/);

    // The second on-call: a different person, an oncall account signed in through the browser.
    const usersRoute = await import("@/app/api/v1/users/route.ts");
    expect((await usersRoute.POST(send("POST", "/api/v1/users", { name: "olga", role: "oncall", password: "correct horse battery staple" }))).status).toBe(201);
    const signIn = await sessionRoute.POST(send("POST", "/api/v1/session", { name: "olga", password: "correct horse battery staple" }, {}));
    const { csrfToken } = SignInView.parse(await signIn.json());
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const confirmed = await expectBody(confirmAs(pending.id, "seen it too, confirming", { cookie, "x-csrf-token": csrfToken }), 200, views.KillSwitchView);
    expect(confirmed).toMatchObject({ state: "active", requestedBy: "admin (bearer)", confirmedBy: "olga", confirmReason: "seen it too, confirming" });
    expect((await expectBody(policyRoute.GET(get("/api/v1/control/policy")), 200, views.ControlPolicyView)).killAll).toBe(true);

    const lifted = await expectBody(liftIt(pending.id, "contained; restoring service"), 200, views.KillSwitchView);
    expect(lifted).toMatchObject({ state: "lifted", liftedBy: "admin (bearer)", liftReason: "contained; restoring service" });
    expect((await expectError(liftIt(pending.id, "twice"), 409)).message).toMatch(/already lifted/);
    expect((await expectError(liftIt("999999", "nothing"), 404)).message).toMatch(/no kill switch has the id 999999/);
    expect((await auditRows()).filter((a) => a.action.startsWith("kill.")).map((a) => [a.actor, a.action, a.target])).toEqual([
      ["admin (bearer)", "kill.all.request", "*"],
      ["olga", "kill.all.confirm", "*"],
      ["admin (bearer)", "kill.all.lift", "*"],
    ]);
  });

  it("a lapsed kill-all cannot be confirmed, reads as expired, and a new one can be requested", async () => {
    const { createKillSwitch, confirmKillSwitch, listKillSwitches } = await import("@/lib/db/kill-switch-store.ts");
    const t = Date.now() - 400_000;
    const old = await createKillSwitch(api.pool, "default", { scope: "all", reason: "old request" }, "alice", t);
    await expect(confirmKillSwitch(api.pool, "default", old.id, "bob", "late", t + 300_000)).rejects.toThrow(/lapsed unconfirmed/);
    const list = await listKillSwitches(api.pool, "default");
    expect(list.pendingKillAll).toBeNull();
    expect(list.recent[0]).toMatchObject({ id: old.id, state: "expired" });
    const fresh = await expectBody(kill({ scope: "all", reason: "new request" }), 201, views.KillSwitchView);
    expect(fresh.state).toBe("pending");
    const expired = await api.pool.query(`SELECT action, actor FROM kill_switch_events WHERE switch_id = $1 ORDER BY id`, [old.id]);
    expect(expired.rows).toEqual([
      { action: "request_kill_all", actor: "alice" },
      { action: "expire", actor: "system" },
    ]);
  });

  it("a kill through the route reaches a guard's stream within a second, and the guard refuses to send on the killed edge", async () => {
    server ??= await serveRoutes({ "GET /api/v1/control/stream": streamRoute.GET, "GET /api/v1/control/policy": policyRoute.GET });
    const cp = new ControlPlanePolicy({ baseUrl: server.url, token: TOKEN });
    sources.push(cp);
    await cp.start(5000);
    expect(cp.status()).toBe("fresh");
    const world = makeWorld({ policy: cp, failMode: "closed" }, [A, B]);
    const sender = guardOf(world, A);
    const ok = sender.send(B, "Quote", { sku: "x", price: 1 }, { parents: [] });
    expect(ok.kind).toBe("message");

    const before = cp.current().version;
    const t0 = performance.now();
    await expectBody(kill({ scope: "edge", sender: A, receiver: B, reason: "agent-a is sending forged quotes to agent-b" }), 201, views.KillSwitchView);
    const applied = new Promise<number>((resolve) => {
      const off = cp.subscribe((s) => {
        if (s.killedEdges.includes(`${A}->${B}`)) {
          off();
          resolve(performance.now() - t0);
        }
      });
      if (cp.current().killedEdges.includes(`${A}->${B}`)) resolve(performance.now() - t0);
    });
    const ms = await applied;
    expect(ms).toBeLessThan(1000);
    expect(cp.current().version).toBeGreaterThan(before);
    let refusal: unknown = null;
    try {
      sender.send(B, "Quote", { sku: "x", price: 2 }, { parents: [] });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(GuardRefusal);
    expect((refusal as GuardRefusal).code).toBe("killed");
    expect((refusal as GuardRefusal).message).toMatch(/edge agent-a->agent-b is killed/);
    await sender.shutdown();
    await guardOf(world, B).shutdown();
  });

  it("breakers reach the stream too: one forced open through its route, one tripped by the engine on another connection", async () => {
    server ??= await serveRoutes({ "GET /api/v1/control/stream": streamRoute.GET, "GET /api/v1/control/policy": policyRoute.GET });
    const cp = new ControlPlanePolicy({ baseUrl: server.url, token: TOKEN });
    sources.push(cp);
    await cp.start(5000);
    const seen = (edge: string, state: string) =>
      new Promise<void>((resolve) => {
        const check = (): boolean => cp.current().breakers[edge] === state;
        if (check()) return resolve();
        const off = cp.subscribe(() => {
          if (check()) {
            off();
            resolve();
          }
        });
      });
    const t0 = performance.now();
    expect((await operate.POST(send("POST", "/api/v1/breakers/operate", { sender: "planner", receiver: "payments", action: "force_open", reason: "draining" }))).status).toBe(200);
    await seen("planner->payments", "FORCED_OPEN");
    expect(performance.now() - t0).toBeLessThan(1000);

    // The engine in a collector: its own pool, its own transaction.
    const at = Date.now();
    const fails = [0, 1, 2].map((i) => ({ recordId: `f${i}`, agent: "scout", receivers: ["pricer"], at: at + i, verified: false, verdicts: ["bad_signature"], anomalous: false }));
    const t1 = performance.now();
    await observeRecords(api.pool, "default", fails, { policy: BreakerPolicy.parse({}), leadsToRed: new Set() });
    await seen("scout->pricer", "OPEN");
    expect(performance.now() - t1).toBeLessThan(1000);
  });
});
