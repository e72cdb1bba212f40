// The audit API and the records export as Next calls them, against a real
// database: filters and pages of the trail, the whole-log check before and
// after tampering, checkpoints on demand, and every matching record streamed
// as safe CSV or JSON, each export audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const TOKEN = "fbk_audit-routes-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
process.env.FIREBREAK_INSTANCE_KEY = generateKeyPair().privateKey;

const auditRoute = await import("@/app/api/v1/audit/route.ts");
const verifyRoute = await import("@/app/api/v1/audit/verify/route.ts");
const checkpointRoute = await import("@/app/api/v1/audit/checkpoints/route.ts");
const exportRoute = await import("@/app/api/v1/records/export/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { db } = await import("@/lib/db/client.ts");
const { audit } = await import("@/lib/audit/audit-log.ts");
const { AuditPage, AuditVerifyView, CheckpointResult } = await import("@/lib/api/audit-views.ts");
const { ErrorView, RecordView } = await import("@/lib/api/views.ts");
const { recordRow, store } = await import("../lineage/lineage-fixtures.ts");

const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (p: string, headers: Record<string, string> = bearer) => new Request(`${BASE}${p}`, { headers });
const post = (p: string) => new Request(`${BASE}${p}`, { method: "POST", headers: bearer });

beforeAll(async () => {
  const pool = apiPool();
  for (let i = 1; i <= 30; i++) {
    await audit(pool, { actor: i % 2 ? "alice" : "bob", action: i % 3 ? "incident.note" : "breaker.force_open", target: i % 3 ? `incident:${i % 4}` : "edge:a->b", detail: { i } });
  }
  // 1,203 records: more than two export pages; some with fields a spreadsheet would run.
  const rows = Array.from({ length: 1_203 }, (_, i) =>
    recordRow(`rec-${i}`, { agent: i % 3 === 0 ? "=HYPERLINK(\"http://evil\")" : "planner", intent: i % 2 ? "quote.request" : "+1-555", payload: JSON.stringify({ note: `line\n"${i}", comma` }), at: i }),
  );
  for (let i = 0; i < rows.length; i += 400) await store(pool, rows.slice(i, i + 400));
});
afterAll(async () => {
  await apiPool().end();
  await db().$disconnect();
  await tdb.drop();
});

describe("GET /api/v1/audit", () => {
  it("newest first, filtered by actor, action and target (prefix with *), paged by cursor", async () => {
    const all = AuditPage.parse(await (await auditRoute.GET(get("/api/v1/audit?limit=500"))).json());
    expect(all.items.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    const bobNotes = AuditPage.parse(await (await auditRoute.GET(get("/api/v1/audit?actor=bob&action=incident.note"))).json());
    expect(bobNotes.items.every((e) => e.actor === "bob" && e.action === "incident.note")).toBe(true);
    expect(bobNotes.items).toHaveLength(10);
    const edges = AuditPage.parse(await (await auditRoute.GET(get("/api/v1/audit?target=edge:*"))).json());
    expect(edges.items).toHaveLength(10);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = AuditPage.parse(await (await auditRoute.GET(get(`/api/v1/audit?limit=7${cursor ? `&cursor=${cursor}` : ""}`))).json());
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.items.map((e) => e.seq));
    const future = AuditPage.parse(await (await auditRoute.GET(get(`/api/v1/audit?from=${new Date(Date.now() + 60_000).toISOString()}`))).json());
    expect(future.items).toEqual([]);
  });

  it("400 with what to fix; 401 without credentials", async () => {
    const res = await auditRoute.GET(get("/api/v1/audit?cursor=abc&limit=0"));
    expect(res.status).toBe(400);
    expect(ErrorView.parse(await res.json()).error.details.map((d) => d.path).sort()).toEqual(["query.cursor", "query.limit"]);
    expect((await auditRoute.GET(get("/api/v1/audit", {}))).status).toBe(401);
  });
});

describe("GET /api/v1/audit/verify and POST /api/v1/audit/checkpoints", () => {
  it("intact with no checkpoint; a checkpoint on demand (audited); then a rewrite is caught", async () => {
    const before = AuditVerifyView.parse(await (await verifyRoute.GET(get("/api/v1/audit/verify"))).json());
    expect(before).toMatchObject({ intact: true, checkpoints: 0, lastCheckpoint: null, problem: null });
    const made = CheckpointResult.parse(await (await checkpointRoute.POST(post("/api/v1/audit/checkpoints"))).json());
    expect(made.checkpoint?.seq).toBe(before.entries + 1); // the request's own entry is checkpointed
    const after = AuditVerifyView.parse(await (await verifyRoute.GET(get("/api/v1/audit/verify"))).json());
    expect(after).toMatchObject({ intact: true, checkpoints: 1, unsigned: 0, lastCheckpoint: { seq: made.checkpoint!.seq } });
    await apiPool().query(`UPDATE audit_entries SET actor = 'mallory' WHERE seq = 4`);
    const broken = AuditVerifyView.parse(await (await verifyRoute.GET(get("/api/v1/audit/verify"))).json());
    expect(broken).toMatchObject({ intact: false, problem: { kind: "altered", seq: 4 } });
    expect(broken.problem?.message).toContain("entry 4 was altered");
    await apiPool().query(`UPDATE audit_entries SET actor = 'bob' WHERE seq = 4`);
  });
});

describe("a server started without an instance key", () => {
  it("answers 503 saying how to start it with one, instead of a bare 500", async () => {
    const seed = process.env.FIREBREAK_INSTANCE_KEY;
    delete process.env.FIREBREAK_INSTANCE_KEY;
    try {
      const res = await verifyRoute.GET(get("/api/v1/audit/verify"));
      expect(res.status).toBe(503);
      expect(ErrorView.parse(await res.json()).error.message).toContain("FIREBREAK_INSTANCE_KEY is not set");
    } finally {
      process.env.FIREBREAK_INSTANCE_KEY = seed;
    }
  });
});

describe("GET /api/v1/records/export", () => {
  it("CSV: every matching record (not one page), RFC 4180 quoting, formula cells neutralised; audited", async () => {
    const res = await exportRoute.GET(get("/api/v1/records/export?format=csv"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="firebreak-default-records-.*\.csv"$/);
    const text = await res.text();
    expect(text.startsWith("seq,id,timestamp,received_at,kind,agent,")).toBe(true);
    // Count records by their quoted-payload-free id column: one line starts per record.
    const ids = [...text.matchAll(/\r\n\d+,(rec-\d+),/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(1_203);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain(",'+1-555,");
    expect(text).not.toMatch(/,=HYPERLINK/);
    expect(text).toContain(`"{""note"":""line\\n\\""0\\"", comma""}"`);
    const { rows } = await apiPool().query<{ actor: string; detail: { format: string } }>(`SELECT actor, detail FROM audit_entries WHERE action = 'records.export' ORDER BY seq`);
    expect(rows.at(-1)).toMatchObject({ actor: "admin (bearer)", detail: { format: "csv" } });
  });

  it("JSON: an array of RecordView, with the same filters as the list", async () => {
    const res = await exportRoute.GET(get("/api/v1/records/export?format=json&intent=quote.request&agent=planner"));
    expect(res.status).toBe(200);
    const items = RecordView.array().parse(await res.json());
    expect(items.length).toBe(Array.from({ length: 1_203 }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 !== 0).length);
    expect(items.every((r) => r.intent === "quote.request" && r.agent === "planner")).toBe(true);
    // Newest first, like the list.
    expect(items[0]!.timestamp >= items.at(-1)!.timestamp).toBe(true);
    const none = await exportRoute.GET(get("/api/v1/records/export?format=json&agent=nobody"));
    expect(await none.json()).toEqual([]);
  });

  it("400 on a bad format or filter; 401 without credentials", async () => {
    const res = await exportRoute.GET(get("/api/v1/records/export?format=xlsx"));
    expect(res.status).toBe(400);
    expect(ErrorView.parse(await res.json()).error.message).toContain("format must be csv or json");
    expect((await exportRoute.GET(get("/api/v1/records/export", {}))).status).toBe(401);
  });
});
