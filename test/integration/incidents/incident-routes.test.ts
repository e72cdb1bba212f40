// The incident route handlers as Next calls them (a Web Request and a
// promised params object) against a real database: auth, parsing, the
// status machine's 409s, the audit trail, and the response shapes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "fbk_incidents-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// The routes' pool reads these on first use; set them before any route runs.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;

const list = await import("@/app/api/v1/incidents/route.ts");
const one = await import("@/app/api/v1/incidents/[id]/route.ts");
const ack = await import("@/app/api/v1/incidents/[id]/acknowledge/route.ts");
const resolve = await import("@/app/api/v1/incidents/[id]/resolve/route.ts");
const notes = await import("@/app/api/v1/incidents/[id]/notes/route.ts");
const openapiRoute = await import("@/app/api/v1/openapi.json/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { groupFindings } = await import("@/lib/engine/incidents/incident-runner.ts");
const { IncidentDetail, IncidentNoteView, IncidentsPage, IncidentSummaryView } = await import("@/lib/api/incident-views.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { bad, recordRow, store, T0 } = await import("../lineage/lineage-fixtures.ts");
const { insertFinding } = await import("./incident-fixtures.ts");

const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };
const ACTOR = "admin (bearer)";
const get = (path: string, headers: Record<string, string> = bearer) => new Request(`${BASE}${path}`, { headers });
const post = (path: string, body?: unknown, headers: Record<string, string> = bearer) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("/api/v1/incidents route handlers", () => {
  const ids: Record<"critical" | "low" | "merged" | "survivor", string> = { critical: "", low: "", merged: "", survivor: "" };

  beforeAll(async () => {
    const pool = apiPool();
    // A forged message -> planner -> a buyer's red action: one critical incident.
    await store(pool, [
      recordRow("O", { agent: "mallory", verdicts: bad(), at: 0 }),
      recordRow("M", { agent: "planner", parents: ["O"], at: 1 }),
      recordRow("A", { agent: "buyer", kind: "action", actionClass: "red", intent: "wire.transfer", parents: ["M"], at: 2 }),
      recordRow("L", { agent: "logger", at: 100 }),
      recordRow("P", { agent: "p1", verdicts: bad(), at: 200 }),
      recordRow("Q", { agent: "q1", verdicts: bad(), at: 201 }),
      recordRow("X", { agent: "x1", parents: ["P", "Q"], at: 300 }),
    ]);
    const critical = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "M", agent: "planner", at: 1 }), await insertFinding(pool, { recordId: "A", agent: "buyer", at: 2 })]);
    const low = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "L", agent: "logger", at: 100, impact: 2 })]);
    const pq = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "P", agent: "p1", at: 200, impact: 20 }), await insertFinding(pool, { recordId: "Q", agent: "q1", at: 201, impact: 20 })]);
    const merge = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "X", agent: "x1", at: 300, impact: 20 })]);
    ids.critical = critical.opened[0]!;
    ids.low = low.opened[0]!;
    [ids.survivor, ids.merged] = pq.opened as [string, string];
    expect(merge.merged).toEqual([ids.merged]);
    // Breaker transitions: one on an edge among the incident's agents in its time, one too late, one on another edge.
    await pool.query(
      `INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail)
       VALUES ('planner', 'buyer', 'CLOSED', 'OPEN', $1, 'failures', '{A}', 'planner -> buyer: 3 failures in a row'),
              ('planner', 'buyer', 'OPEN', 'HALF_OPEN', $2, 'timer', '{}', 'too late'),
              ('logger', 'buyer', 'CLOSED', 'OPEN', $1, 'failures', '{}', 'another edge')`,
      [new Date(T0 + 5_000), new Date(T0 + 3 * 3600_000)],
    );
  });
  afterAll(async () => {
    await apiPool().end();
    await tdb.drop();
  });

  it("needs credentials: 401 to read and to write", async () => {
    expect((await list.GET(get("/api/v1/incidents", {}))).status).toBe(401);
    expect((await one.GET(get(`/api/v1/incidents/${ids.critical}`, {}), params(ids.critical))).status).toBe(401);
    const res = await ack.POST(post(`/api/v1/incidents/${ids.critical}/acknowledge`, undefined, {}), params(ids.critical));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await notes.POST(post(`/api/v1/incidents/${ids.critical}/notes`, { text: "x" }, {}), params(ids.critical))).status).toBe(401);
  });

  it("GET lists open incidents by severity, pages with a cursor, filters, and hides merged ones", async () => {
    const res = await list.GET(get("/api/v1/incidents"));
    expect(res.status).toBe(200);
    const page = IncidentsPage.parse(await res.json());
    expect(page.items.map((i) => [i.id, i.severity])).toEqual([
      [ids.critical, "critical"],
      [ids.survivor, "medium"],
      [ids.low, "low"],
    ]);
    expect(page.nextCursor).toBeNull();
    const first = IncidentsPage.parse(await (await list.GET(get("/api/v1/incidents?limit=1"))).json());
    const rest = IncidentsPage.parse(await (await list.GET(get(`/api/v1/incidents?limit=5&cursor=${first.nextCursor}`))).json());
    expect([...first.items, ...rest.items].map((i) => i.id)).toEqual(page.items.map((i) => i.id));
    const merged = IncidentsPage.parse(await (await list.GET(get("/api/v1/incidents?status=merged"))).json());
    expect(merged.items.map((i) => [i.id, i.mergedInto])).toEqual([[ids.merged, ids.survivor]]);
    const low = IncidentsPage.parse(await (await list.GET(get("/api/v1/incidents?severity=low"))).json());
    expect(low.items.map((i) => i.id)).toEqual([ids.low]);
  });

  it("GET keeps incidents active in a time range: from on the latest finding, to on the first", async () => {
    const at = (s: number) => encodeURIComponent(new Date(T0 + s * 1000).toISOString());
    const page = async (q: string) => IncidentsPage.parse(await (await list.GET(get(`/api/v1/incidents?${q}`))).json()).items.map((i) => i.id);
    expect(await page(`from=${at(150)}`)).toEqual([ids.survivor]);
    expect(await page(`to=${at(50)}`)).toEqual([ids.critical]);
    expect(await page(`from=${at(50)}&to=${at(150)}`)).toEqual([ids.low]);
    // An incident whose last finding is exactly `from` is still active then.
    expect(await page(`from=${at(100)}&to=${at(101)}`)).toEqual([ids.low]);
    const backwards = await list.GET(get(`/api/v1/incidents?from=${at(150)}&to=${at(50)}`));
    expect(backwards.status).toBe(400);
    expect(ErrorView.parse(await backwards.json()).error.details.map((d) => d.path)).toEqual(["query.from"]);
    const unzoned = await list.GET(get("/api/v1/incidents?from=2026-11-21T12:00:00"));
    expect(ErrorView.parse(await unzoned.json()).error.message).toContain("RFC 3339");
  });

  it("GET 400s on a bad filter or cursor, with what to fix", async () => {
    const res = await list.GET(get("/api/v1/incidents?status=closed&limit=0"));
    expect(res.status).toBe(400);
    expect(ErrorView.parse(await res.json()).error.details.map((d) => d.path).sort()).toEqual(["query.limit", "query.status"]);
    const cursor = await list.GET(get("/api/v1/incidents?cursor=nope"));
    expect(cursor.status).toBe(400);
    expect(ErrorView.parse(await cursor.json()).error.message).toContain("nextCursor");
  });

  it("GET /:id: findings, a timeline with the breaker transitions among its agents, agents, related incidents", async () => {
    const res = await one.GET(get(`/api/v1/incidents/${ids.critical}`), params(ids.critical));
    expect(res.status).toBe(200);
    const detail = IncidentDetail.parse(await res.json());
    expect(detail.incident).toMatchObject({ id: ids.critical, status: "open", severity: "critical", originIds: ["O"], findingCount: 2 });
    expect(detail.findings.map((f) => f.recordId)).toEqual(["M", "A"]);
    expect([...detail.agents].sort()).toEqual(["buyer", "mallory", "planner"]);
    expect(detail.timeline.map((t) => t.type)).toEqual(["finding", "finding", "breaker", "event"]);
    expect(detail.timeline[2]).toMatchObject({ type: "breaker", sender: "planner", receiver: "buyer", to: "OPEN", cause: "failures" });
    const survivor = IncidentDetail.parse(await (await one.GET(get(`/api/v1/incidents/${ids.survivor}`), params(ids.survivor))).json());
    expect(survivor.related).toEqual([expect.objectContaining({ id: ids.merged, relation: "merged_in", status: "merged" })]);
    expect(survivor.findings).toHaveLength(3);
    expect(survivor.events.map((e) => e.kind)).toEqual(["opened", "absorbed"]);
  });

  it("404s an unknown incident, numeric or not, with where to look", async () => {
    for (const id of ["987654", "nope"]) {
      const res = await one.GET(get(`/api/v1/incidents/${id}`), params(id));
      expect(res.status).toBe(404);
      expect(ErrorView.parse(await res.json()).error.message).toContain("GET /api/v1/incidents");
      expect((await ack.POST(post(`/api/v1/incidents/${id}/acknowledge`), params(id))).status).toBe(404);
      expect((await notes.POST(post(`/api/v1/incidents/${id}/notes`, { text: "x" }), params(id))).status).toBe(404);
    }
  });

  it("acknowledge, note, resolve: each audited with the actor; illegal moves are 409 with what to do", async () => {
    const id = ids.critical;
    const acked = await ack.POST(post(`/api/v1/incidents/${id}/acknowledge`), params(id));
    expect(acked.status).toBe(200);
    expect(IncidentSummaryView.parse(await acked.json())).toMatchObject({ status: "acknowledged", acknowledgedBy: ACTOR, analystActed: true });
    const again = await ack.POST(post(`/api/v1/incidents/${id}/acknowledge`), params(id));
    expect(again.status).toBe(409);
    expect(ErrorView.parse(await again.json()).error.message).toMatch(/already acknowledged by admin \(bearer\) at .*: resolve it when it is dealt with/);

    const note = await notes.POST(post(`/api/v1/incidents/${id}/notes`, { text: "  mallory's key was leaked; rotating  " }), params(id));
    expect(note.status).toBe(201);
    expect(IncidentNoteView.parse(await note.json())).toMatchObject({ author: ACTOR, text: "mallory's key was leaked; rotating" });
    const emptyNote = await notes.POST(post(`/api/v1/incidents/${id}/notes`, { text: " " }), params(id));
    expect(emptyNote.status).toBe(400);

    const noReason = await resolve.POST(post(`/api/v1/incidents/${id}/resolve`, {}), params(id));
    expect(noReason.status).toBe(400);
    expect(ErrorView.parse(await noReason.json()).error.details[0]!.path).toBe("body.reason");
    const resolved = await resolve.POST(post(`/api/v1/incidents/${id}/resolve`, { reason: "key rotated, payment reversed" }), params(id));
    expect(resolved.status).toBe(200);
    expect(IncidentSummaryView.parse(await resolved.json())).toMatchObject({ status: "resolved", resolvedBy: ACTOR, resolution: "key rotated, payment reversed" });

    const twice = await resolve.POST(post(`/api/v1/incidents/${id}/resolve`, { reason: "again" }), params(id));
    expect(twice.status).toBe(409);
    expect(ErrorView.parse(await twice.json()).error.message).toContain("already resolved by admin (bearer)");
    const ackResolved = await ack.POST(post(`/api/v1/incidents/${id}/acknowledge`), params(id));
    expect(ackResolved.status).toBe(409);
    expect(ErrorView.parse(await ackResolved.json()).error.message).toContain("cannot be acknowledged: add a note");
    // A post-mortem note on a resolved incident is welcome.
    expect((await notes.POST(post(`/api/v1/incidents/${id}/notes`, { text: "post-mortem scheduled" }), params(id))).status).toBe(201);

    const detail = IncidentDetail.parse(await (await one.GET(get(`/api/v1/incidents/${id}`), params(id))).json());
    expect(detail.events.map((e) => [e.kind, e.actor, e.from, e.to])).toEqual([
      ["opened", "engine", null, "open"],
      ["acknowledged", ACTOR, "open", "acknowledged"],
      ["noted", ACTOR, null, null],
      ["resolved", ACTOR, "acknowledged", "resolved"],
      ["noted", ACTOR, null, null],
    ]);
    expect(detail.notes.map((n) => n.text)).toEqual(["mallory's key was leaked; rotating", "post-mortem scheduled"]);
    // Resolved incidents list after the open ones.
    const page = IncidentsPage.parse(await (await list.GET(get("/api/v1/incidents"))).json());
    expect(page.items.at(-1)!.id).toBe(id);
  });

  it("a merged incident points to where its findings went", async () => {
    for (const res of [
      await ack.POST(post(`/api/v1/incidents/${ids.merged}/acknowledge`), params(ids.merged)),
      await notes.POST(post(`/api/v1/incidents/${ids.merged}/notes`, { text: "x" }), params(ids.merged)),
    ]) {
      expect(res.status).toBe(409);
      expect(ErrorView.parse(await res.json()).error.message).toContain(`merged into incident ${ids.survivor}`);
    }
  });

  it("the OpenAPI document describes the incident routes", async () => {
    const doc = (await (await openapiRoute.GET(get("/api/v1/openapi.json", {}))).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/incidents"]!)).toEqual(["get"]);
    expect(Object.keys(doc.paths["/api/v1/incidents/{id}"]!)).toEqual(["get"]);
    for (const action of ["acknowledge", "resolve", "notes"]) expect(Object.keys(doc.paths[`/api/v1/incidents/{id}/${action}`]!)).toEqual(["post"]);
  });
});
