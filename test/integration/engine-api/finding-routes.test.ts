// The findings route against a real database: newest first or highest impact
// first, filters, and keyset pages that neither skip nor repeat.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBody, expectError, get, iso, openApiDatabase } from "./api-harness.ts";

const api = await openApiDatabase();
const findings = await import("@/app/api/v1/findings/route.ts");
const openapi = await import("@/app/api/v1/openapi.json/route.ts");
const views = await import("@/lib/api/engine-views.ts");

const T = Date.UTC(2026, 10, 21, 12);

interface Spec {
  detector: string;
  agent: string;
  record: string;
  sec: number;
  impact: number | null;
}

// Ties on time and on impact, unscored ones, and detector names the engine added after this API.
const SPECS: Spec[] = [
  { detector: "semantic_deviation", agent: "pricer", record: "p1", sec: 10, impact: 40.5 },
  { detector: "new_edge", agent: "planner", record: "q1", sec: 20, impact: null },
  { detector: "cap_receivers", agent: "planner", record: "q2", sec: 20, impact: 7 },
  { detector: "semantic_deviation", agent: "pricer", record: "p2", sec: 30, impact: 7 },
  { detector: "rate_vs_baseline", agent: "buyer", record: "b1", sec: 40, impact: 1200 },
  { detector: "a_detector_from_next_year", agent: "buyer", record: "b2", sec: 50, impact: null },
  { detector: "fan_out_burst", agent: "planner", record: "q3", sec: 60, impact: 0.25 },
];

async function pages(query: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { recordId: string | null }[]; nextCursor: string | null } = await expectBody(
      findings.GET(get(`/api/v1/findings?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`)),
      200,
      views.FindingsPage,
    );
    seen.push(...page.items.map((f) => f.recordId ?? "?"));
    cursor = page.nextCursor;
  } while (cursor !== null && seen.length < 100);
  return seen;
}

describe("findings route", () => {
  beforeAll(async () => {
    for (const s of SPECS) {
      await api.pool.query(
        `INSERT INTO anomaly_findings (detector, record_id, agent, subject, score, explanation, params, evidence, ts, impact, reach)
         VALUES ($1, $2, $3, 'unit_price', 4.2, $4, $5, $6, $7, $8, $9)`,
        [s.detector, s.record, s.agent, `${s.detector} on ${s.record}`, JSON.stringify({ threshold: 3.5, field: "unit_price" }), [s.record], new Date(T + s.sec * 1000), s.impact, s.impact === null ? null : 3],
      );
    }
  });
  afterAll(() => api.close());

  it("orders by impact, highest first, unscored last, across pages", async () => {
    const first = await expectBody(findings.GET(get("/api/v1/findings?order=impact&limit=2")), 200, views.FindingsPage);
    expect(first.items.map((f) => [f.recordId, f.impact])).toEqual([
      ["b1", 1200],
      ["p1", 40.5],
    ]);
    // Equal impacts by id, newest stored first; nulls after every score.
    const everything = ["b1", "p1", "p2", "q2", "q3", "b2", "q1"];
    for (const limit of [1, 2, 3, 7, 50]) expect(await pages("order=impact", limit)).toEqual(everything);
  });

  it("orders by time, newest first, across pages, and returns findings in their documented shape", async () => {
    const everything = ["q3", "b2", "b1", "p2", "q2", "q1", "p1"];
    for (const limit of [1, 2, 3, 50]) expect(await pages("order=time", limit)).toEqual(everything);
    const one = await expectBody(findings.GET(get("/api/v1/findings?limit=1")), 200, views.FindingsPage);
    expect(one.items[0]).toEqual({
      id: expect.any(String),
      detector: "fan_out_burst",
      recordId: "q3",
      agent: "planner",
      subject: "unit_price",
      score: 4.2,
      explanation: "fan_out_burst on q3",
      params: { threshold: 3.5, field: "unit_price" },
      evidence: ["q3"],
      at: iso(T + 60_000),
      impact: 0.25,
      reach: 3,
    });
  });

  it("filters by detector (any name), agent, record and time", async () => {
    expect(await pages("detector=a_detector_from_next_year", 10)).toEqual(["b2"]);
    expect(await pages("detector=cap_receivers", 10)).toEqual(["q2"]);
    expect(await pages("agent=planner&order=impact", 10)).toEqual(["q2", "q3", "q1"]);
    expect(await pages("record=p1", 10)).toEqual(["p1"]);
    expect(await pages(`from=${iso(T + 20_000)}&to=${iso(T + 40_000)}`, 1)).toEqual(["p2", "q2", "q1"]);
  });

  it("400s a cursor from the other order, a forged cursor, and bad filters, naming the parameter", async () => {
    const page = await expectBody(findings.GET(get("/api/v1/findings?order=impact&limit=1")), 200, views.FindingsPage);
    const mixed = await expectError(findings.GET(get(`/api/v1/findings?order=time&cursor=${page.nextCursor}`)), 400);
    expect(mixed.message).toBe("`cursor` belongs to order=impact: keep `order` the same while paging");
    const forged = await expectError(findings.GET(get("/api/v1/findings?cursor=bm9wZQ")), 400);
    expect(forged.details).toEqual([{ path: "query.cursor", message: "not a valid cursor" }]);
    const bad = await expectError(findings.GET(get("/api/v1/findings?order=severity&limit=0")), 400);
    expect(bad.details.map((d) => d.path).sort()).toEqual(["query.limit", "query.order"]);
    const backwards = await expectError(findings.GET(get(`/api/v1/findings?from=${iso(T + 1000)}&to=${iso(T)}`)), 400);
    expect(backwards.details).toEqual([{ path: "query.from", message: "from must be before to" }]);
  });

  it("needs credentials", async () => {
    await expectError(findings.GET(get("/api/v1/findings", {})), 401);
  });

  it("documents every engine route in the OpenAPI document", async () => {
    const doc = (await (await openapi.GET(get("/api/v1/openapi.json", {}))).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    const engine = Object.entries(doc.paths)
      .filter(([p]) => /^\/api\/v1\/(lineage|marks|findings|breakers)\b/.test(p))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(engine.sort()).toEqual([
      "DELETE /api/v1/marks/compromise/{id}",
      "DELETE /api/v1/marks/records/{id}",
      "GET /api/v1/breakers",
      "GET /api/v1/breakers/events",
      "GET /api/v1/findings",
      "GET /api/v1/lineage/blast-radius",
      "GET /api/v1/lineage/origin",
      "GET /api/v1/lineage/state-origin",
      "GET /api/v1/marks/compromise",
      "GET /api/v1/marks/compromise/{id}",
      "GET /api/v1/marks/compromise/{id}/impact",
      "GET /api/v1/marks/records",
      "POST /api/v1/breakers/operate",
      "POST /api/v1/marks/compromise",
      "POST /api/v1/marks/records",
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["OriginView", "BlastRadiusView", "FindingsPage", "BreakerView", "BreakerOperationBody"]));
  });
});
