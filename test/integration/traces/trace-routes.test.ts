// The trace routes as Next calls them, against a real database: the
// columnar trace (small, record-only, huge, deep), the lazy span detail,
// and the errors. Responses are checked with the API's own schemas.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";

const TOKEN = "fbk_traces-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;

const traceRoute = await import("@/app/api/v1/traces/[traceId]/route.ts");
const spanRoute = await import("@/app/api/v1/traces/[traceId]/spans/[spanId]/route.ts");
const { db } = await import("@/lib/db/client.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { SpanDetailView, TRACE_HEAD_SPANS, TRACE_PAGE_SPANS, TraceView, tracePageUrl } = await import("@/lib/api/trace-views.ts");
const { joinTraceWindows, nextTraceCursor } = await import("@/components/waterfall/trace-pages.ts");
const { insertStoredRecords, storedRecord } = await import("../../fixtures/stored-records.ts");
const { generatedSpanId, insertGeneratedTrace, insertSmallTrace, smallTrace } = await import("./trace-fixtures.ts");

const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = bearer) => new Request(`${BASE}${path}`, { headers });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });
const fetchTrace = (traceId: string, headers?: Record<string, string>) => traceRoute.GET(get(`/api/v1/traces/${traceId}`, headers), params({ traceId }));

const small = smallTrace("checkout", new Date(Date.UTC(2026, 10, 21, 12, 0, 0)));
const lonely = storedRecord({ recordId: "lonely-1", traceId: "a".repeat(32), spanId: "b".repeat(16) });
const HUGE = "1".repeat(32);
const DEEP = "2".repeat(32);
const N = 100_000;

describe("/api/v1/traces", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    await insertSmallTrace(client, small);
    await insertStoredRecords(client, [lonely]);
    await insertGeneratedTrace(client, { traceId: HUGE, spans: N, shape: "tree", recordEvery: 10 });
    await insertGeneratedTrace(client, { traceId: DEEP, spans: N, shape: "chain" });
    await client.query("ANALYZE spans; ANALYZE records");
  });
  afterAll(async () => {
    await client.end();
    await db().$disconnect();
    await tdb.drop();
  });

  it("returns a small trace as columns, earliest first, with its records and their verdicts", async () => {
    const res = await fetchTrace(small.traceId);
    expect(res.status).toBe(200);
    const t = TraceView.parse(await res.json());
    expect(t.total).toBe(6);
    expect(t.truncated).toBe(false);
    expect(t.spans.id).toEqual([small.ids.root, small.ids.request, small.ids.message, small.ids.tool, small.ids.action, small.ids.orphan]);
    expect(t.startNs).toBe(small.spans[0]!.startNs.toString());
    expect(t.spans.start[0]).toBe(0);
    expect(t.spans.end[0]).toBe(900_000_000);
    expect(t.spans.parent[5]).toBe("ffffffffffffffff");
    expect(t.spans.status[4]).toBe(2);
    expect(t.spans.record).toEqual([-1, 0, 1, -1, 2, -1]);
    expect(t.records.id).toEqual([small.recordIds.request, small.recordIds.message, small.recordIds.action]);
    expect(t.records.verdicts).toEqual([["verified"], ["schema_violation"], ["capability_violation"]]);
    expect(t.records.verified).toEqual([true, false, false]);
    expect(t.records.agent).toEqual(["planner", "planner", "executor"]);
  });

  it("cuts a trace above the limit, earliest spans kept, and says how many there are", async () => {
    const { getTraceJson } = await import("@/lib/db/trace-query.ts");
    const t = TraceView.parse(JSON.parse(await getTraceJson(db(), "default", small.traceId, 3)));
    expect(t.spans.id).toEqual([small.ids.root, small.ids.request, small.ids.message]);
    expect(t.total).toBe(6);
    expect(t.truncated).toBe(true);
    expect(t.records.id).toEqual([small.recordIds.request, small.recordIds.message]);
  });

  it("GET ?limit= returns the first window: a prefix of every column of the whole trace, so span indices hold when the rest arrives", async () => {
    const whole = TraceView.parse(await (await fetchTrace(HUGE)).json());
    const res = await traceRoute.GET(get(`/api/v1/traces/${HUGE}?limit=${TRACE_HEAD_SPANS}`), params({ traceId: HUGE }));
    expect(res.status).toBe(200);
    const head = TraceView.parse(await res.json());
    expect(head.spans.id).toHaveLength(TRACE_HEAD_SPANS);
    expect(head.truncated).toBe(true);
    expect(head.total).toBe(N);
    expect(head.startNs).toBe(whole.startNs);
    for (const column of Object.keys(head.spans) as (keyof typeof head.spans)[]) expect(head.spans[column]).toEqual(whole.spans[column].slice(0, TRACE_HEAD_SPANS));
    const records = head.spans.record.filter((r) => r >= 0).length;
    expect(records).toBeGreaterThan(0);
    for (const column of Object.keys(head.records) as (keyof typeof head.records)[]) expect(head.records[column]).toEqual(whole.records[column].slice(0, records));
    expect(nextTraceCursor(head)).toBeDefined();
    expect(nextTraceCursor(whole)).toBeUndefined();
    // A trace smaller than the window comes whole in the first request: no second one.
    const smallHead = TraceView.parse(await (await traceRoute.GET(get(`/api/v1/traces/${small.traceId}?limit=${TRACE_HEAD_SPANS}`), params({ traceId: small.traceId }))).json());
    expect(smallHead.truncated).toBe(false);
    expect(nextTraceCursor(smallHead)).toBeUndefined();
  });

  it("every first window is a prefix of the whole, with records without spans, a span with two records and ties in start time", async () => {
    const { getTraceJson } = await import("@/lib/db/trace-query.ts");
    const mixed = smallTrace("mixed", new Date(Date.UTC(2026, 10, 21, 13, 0, 0)));
    await insertSmallTrace(client, mixed);
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 21, 13, 0, 0) + ms);
    const message = mixed.spans.find((x) => x.spanId === mixed.ids.message)!;
    await insertStoredRecords(client, [
      // Before every span, between spans, at the same instant as a span, and after the last.
      storedRecord({ recordId: "mixed-early", traceId: mixed.traceId, spanId: "e".repeat(16), ts: at(-5) }),
      storedRecord({ recordId: "mixed-between", traceId: mixed.traceId, spanId: "f".repeat(16), ts: at(40) }),
      storedRecord({ recordId: "mixed-tie", traceId: mixed.traceId, spanId: "d".repeat(16), ts: at(60) }),
      storedRecord({ recordId: "mixed-late", traceId: mixed.traceId, spanId: "c".repeat(16), ts: at(5_000) }),
      // A second stored copy on the message span: two rows for one span.
      storedRecord({ recordId: "mixed-msg-again", traceId: mixed.traceId, spanId: message.spanId, contentHash: message.contentHash, ts: at(61) }),
    ]);
    const whole = TraceView.parse(JSON.parse(await getTraceJson(db(), "default", mixed.traceId)));
    expect(whole.spans.id).toHaveLength(11);
    expect(whole.records.id[0]).toBe("mixed-early");
    expect(whole.records.id.at(-1)).toBe("mixed-late");
    for (let limit = 1; limit <= 12; limit++) {
      const head = TraceView.parse(JSON.parse(await getTraceJson(db(), "default", mixed.traceId, limit)));
      const n = Math.min(limit, 11);
      expect(head.startNs).toBe(whole.startNs);
      for (const column of Object.keys(head.spans) as (keyof typeof head.spans)[]) expect(head.spans[column], `spans.${column} at limit ${limit}`).toEqual(whole.spans[column].slice(0, n));
      const records = head.spans.record.filter((r) => r >= 0).length;
      for (const column of Object.keys(head.records) as (keyof typeof head.records)[]) expect(head.records[column], `records.${column} at limit ${limit}`).toEqual(whole.records[column].slice(0, records));
      // Cut below its 11 rows, it says so (and that there are more than it holds), so the page asks for the rest.
      expect(head.truncated).toBe(limit < 11);
      expect(head.total).toBe(limit < 11 ? Math.max(6, limit + 1) : 11);
      expect(nextTraceCursor(head) !== undefined).toBe(limit < 11);
    }
  });

  it("windows after a cursor, appended in order, make the whole trace, whatever their size: records without spans, a span with two records, ties", async () => {
    const { getTraceJson } = await import("@/lib/db/trace-query.ts");
    const paged = smallTrace("paged", new Date(Date.UTC(2026, 10, 21, 14, 0, 0)));
    await insertSmallTrace(client, paged);
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 21, 14, 0, 0) + ms);
    const message = paged.spans.find((x) => x.spanId === paged.ids.message)!;
    await insertStoredRecords(client, [
      storedRecord({ recordId: "paged-early", traceId: paged.traceId, spanId: "e".repeat(16), ts: at(-5) }),
      storedRecord({ recordId: "paged-between", traceId: paged.traceId, spanId: "f".repeat(16), ts: at(40) }),
      storedRecord({ recordId: "paged-tie", traceId: paged.traceId, spanId: "d".repeat(16), ts: at(60) }),
      storedRecord({ recordId: "paged-late", traceId: paged.traceId, spanId: "c".repeat(16), ts: at(5_000) }),
      // Two rows for one span: a cursor can fall between them.
      storedRecord({ recordId: "paged-msg-again", traceId: paged.traceId, spanId: message.spanId, contentHash: message.contentHash, ts: at(61) }),
    ]);
    const whole = TraceView.parse(JSON.parse(await getTraceJson(db(), "default", paged.traceId)));
    expect(whole.spans.id).toHaveLength(11);
    expect(whole.next ?? null).toBeNull();
    for (let limit = 1; limit <= 11; limit++) {
      const pages = [TraceView.parse(JSON.parse(await getTraceJson(db(), "default", paged.traceId, limit)))];
      for (let cursor = nextTraceCursor(pages.at(-1)!); cursor !== undefined; cursor = nextTraceCursor(pages.at(-1)!)) {
        const page = TraceView.parse(JSON.parse(await getTraceJson(db(), "default", paged.traceId, limit, cursor)));
        expect(page.spans.id.length, `a window of ${limit} after ${cursor}`).toBeLessThanOrEqual(limit);
        pages.push(page);
        expect(pages.length).toBeLessThanOrEqual(11);
      }
      expect(pages).toHaveLength(Math.ceil(11 / limit));
      const joined = joinTraceWindows(pages)!;
      expect(joined.spans, `spans in windows of ${limit}`).toEqual(whole.spans);
      expect(joined.records, `records in windows of ${limit}`).toEqual(whole.records);
      expect({ startNs: joined.startNs, endNs: joined.endNs, total: joined.total, truncated: joined.truncated }).toEqual({ startNs: whole.startNs, endNs: whole.endNs, total: 11, truncated: false });
    }
  });

  it("GET ?after= pages a 100,000-span trace by start time: the window after the first continues it exactly", async () => {
    const whole = TraceView.parse(await (await fetchTrace(HUGE)).json());
    const head = TraceView.parse(await (await traceRoute.GET(get(`/api/v1/traces/${HUGE}?limit=${TRACE_HEAD_SPANS}`), params({ traceId: HUGE }))).json());
    expect(head.next).toMatch(/^\d+\.\d+\.\d+$/);
    const res = await traceRoute.GET(get(tracePageUrl(HUGE, head.next!)), params({ traceId: HUGE }));
    expect(res.status).toBe(200);
    const page = TraceView.parse(await res.json());
    expect(page.spans.id).toHaveLength(TRACE_PAGE_SPANS);
    expect(page.truncated).toBe(true);
    const joined = joinTraceWindows([head, page])!;
    const n = TRACE_HEAD_SPANS + TRACE_PAGE_SPANS;
    for (const column of Object.keys(joined.spans) as (keyof typeof joined.spans)[]) expect(joined.spans[column], `spans.${column}`).toEqual(whole.spans[column].slice(0, n));
    const records = joined.spans.record.filter((r) => r >= 0).length;
    for (const column of Object.keys(joined.records) as (keyof typeof joined.records)[]) expect(joined.records[column], `records.${column}`).toEqual(whole.records[column].slice(0, records));
    expect(joined.total).toBe(N);
  });

  it("400s a cursor that is not an earlier answer's next, and 404s one past the end of the trace", async () => {
    for (const after of ["abc", "1.2", "1.2.3.4", "1.-2.3", `1.${"9".repeat(19)}.0`]) {
      const res = await traceRoute.GET(get(`/api/v1/traces/${small.traceId}?after=${after}`), params({ traceId: small.traceId }));
      expect(res.status, after).toBe(400);
      expect(ErrorView.parse(await res.json()).error.details[0]?.path).toBe("query.after");
    }
    const past = await traceRoute.GET(get(`/api/v1/traces/${small.traceId}?after=9${"0".repeat(18)}.0.0`), params({ traceId: small.traceId }));
    expect(past.status).toBe(404);
  });

  it("400s a limit that is not a whole number from 1 to the cap, saying so", async () => {
    for (const limit of ["0", "-1", "1.5", "abc", "250001"]) {
      const res = await traceRoute.GET(get(`/api/v1/traces/${small.traceId}?limit=${limit}`), params({ traceId: small.traceId }));
      expect(res.status).toBe(400);
      expect(ErrorView.parse(await res.json()).error.details[0]?.path).toBe("query.limit");
    }
  });

  it("shows a record stored without its span at the record's timestamp", async () => {
    const t = TraceView.parse(await (await fetchTrace(lonely.traceId)).json());
    expect(t.spans.id).toEqual([lonely.spanId]);
    expect(t.spans.name).toEqual(["message lonely-1"]);
    expect(t.startNs).toBe((BigInt(lonely.ts.getTime()) * 1_000_000n).toString());
    expect(t.records.id).toEqual(["lonely-1"]);
  });

  it("accepts an upper-case trace id, 404s an unknown trace, 400s a malformed one, 401s without credentials", async () => {
    expect((await fetchTrace(small.traceId.toUpperCase())).status).toBe(200);
    const missing = await fetchTrace("c".repeat(32));
    expect(missing.status).toBe(404);
    expect(ErrorView.parse(await missing.json()).error.message).toMatch(/no spans or records in trace/);
    const bad = await fetchTrace("not-a-trace");
    expect(bad.status).toBe(400);
    expect(ErrorView.parse(await bad.json()).error.details[0]?.path).toBe("params.traceId");
    expect((await fetchTrace(small.traceId, {})).status).toBe(401);
  });

  // Its speed is measured by bench/ui-trace.ts (npm run bench:ui), not here: a timed test fails on a busy machine.
  it("serves a 100,000-span trace in one indexed query", async () => {
    // A trace that is a small part of the table is read through the (trace_id, ...) index; the huge one here is half of it.
    for (const table of ["spans", "records"]) {
      const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN SELECT * FROM ${table} WHERE trace_id = $1::char(32)`, [small.traceId]);
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/Index|Bitmap/);
    }
    const res = await fetchTrace(HUGE);
    const text = await res.text();
    const t = TraceView.parse(JSON.parse(text));
    expect(t.spans.id).toHaveLength(N);
    expect(t.records.id).toHaveLength(N / 10);
    expect(t.spans.id[0]).toBe(generatedSpanId(1));
    expect(t.spans.parent[0]).toBeNull();
    expect(t.spans.parent[7]).toBe(generatedSpanId(2));
    const failed = t.records.verdicts.filter((v) => v.includes("bad_signature")).length;
    expect(failed).toBeGreaterThan(0);
  });

  it("serves a 100,000-deep chain", async () => {
    const t = TraceView.parse(await (await fetchTrace(DEEP)).json());
    expect(t.spans.id).toHaveLength(N);
    expect(t.spans.parent[N - 1]).toBe(generatedSpanId(N - 1));
  });

  it("GET a span: attributes, and for a record every stored copy of its id with payload and verdict details", async () => {
    const plain = await spanRoute.GET(get(`/api/v1/traces/${small.traceId}/spans/${small.ids.tool}`), params({ traceId: small.traceId, spanId: small.ids.tool }));
    expect(plain.status).toBe(200);
    const p = SpanDetailView.parse(await plain.json());
    expect(p.spans).toHaveLength(1);
    expect(p.spans[0]!.attributes).toEqual({ "gen_ai.tool.name": "web.search", "retry.count": 2 });
    expect(p.spans[0]!.startNs).toBe(small.spans[3]!.startNs.toString());
    expect(p.records).toEqual([]);

    const rec = SpanDetailView.parse(
      await (await spanRoute.GET(get(`/api/v1/traces/${small.traceId}/spans/${small.ids.message}`), params({ traceId: small.traceId, spanId: small.ids.message }))).json(),
    );
    expect(rec.records).toHaveLength(1);
    const copy = rec.records[0]!.records[0]!;
    expect(copy.id).toBe(small.recordIds.message);
    expect(JSON.parse(copy.payload!)).toEqual({ query: 42, lang: "en" });
    expect(copy.verdictDetails).toEqual([{ verdict: "schema_violation", detail: "/query: must be string" }]);

    const lonelySpan = SpanDetailView.parse(
      await (await spanRoute.GET(get(`/api/v1/traces/${lonely.traceId}/spans/${lonely.spanId}`), params({ traceId: lonely.traceId, spanId: lonely.spanId }))).json(),
    );
    expect(lonelySpan.spans).toEqual([]);
    expect(lonelySpan.records[0]!.id).toBe("lonely-1");

    const none = await spanRoute.GET(get(`/api/v1/traces/${small.traceId}/spans/${"d".repeat(16)}`), params({ traceId: small.traceId, spanId: "d".repeat(16) }));
    expect(none.status).toBe(404);
  });
});
