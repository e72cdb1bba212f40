// The whole-trace summary route against a real database: a 5,000-span trace
// with records, a forged copy near the end (stored without its span), a
// doubtful record and a span's second record; every figure is checked against
// counts computed here from the raw rows, and the response against the API's
// own schema. The waterfall's first window holds 2,000 spans: the forged
// record is far past it and must still be in the summary and on its bins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";

const TOKEN = "fbk_trace-summary-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;

const summaryRoute = await import("@/app/api/v1/traces/[traceId]/summary/route.ts");
const traceRoute = await import("@/app/api/v1/traces/[traceId]/route.ts");
const { db } = await import("@/lib/db/client.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { TRACE_HEAD_SPANS, TraceView } = await import("@/lib/api/trace-views.ts");
const { TRACE_SUMMARY_BINS, TraceSummaryView, traceBin } = await import("@/lib/api/trace-summary-views.ts");
const { verdictTone } = await import("@/lib/view/format.ts");
const { insertStoredRecords, storedRecord, verdicts } = await import("../../fixtures/stored-records.ts");
const { generatedSpanId, insertGeneratedTrace, insertSmallTrace, smallTrace } = await import("./trace-fixtures.ts");

const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };
const params = (traceId: string) => ({ params: Promise.resolve({ traceId }) });
const fetchSummary = (traceId: string, query = "", headers: Record<string, string> = bearer) =>
  summaryRoute.GET(new Request(`${BASE}/api/v1/traces/${traceId}/summary${query}`, { headers }), params(traceId));

const BIG = "5".repeat(32);
const N = 5_000;
const T0 = new Date(Date.UTC(2026, 10, 21, 12));
const T0_NS = BigInt(T0.getTime()) * 1_000_000n;
/** The forged copy sits on span 4,990: far past the first window of 2,000. */
const FORGED_AT = 4_990;

interface RawSpan { span_id: string; content_hash: string; start_ns: string; end_ns: string; status_code: number; seq: string }
interface RawRecord { span_id: string; content_hash: string; ts: Date; kind: string; agent: string; verdicts: string[]; verified: boolean; seq: string }

/** What the summary should say, computed from the raw rows the way the waterfall places them: a record at its span's start, else at its own time. */
function expectedSummary(spans: RawSpan[], records: RawRecord[], bins: number) {
  const spanByKey = new Map(spans.map((s) => [`${s.span_id}/${s.content_hash}`, s]));
  const severity = (v: string[]): number => (v.some((x) => verdictTone(x) === "bad") ? 3 : v.some((x) => verdictTone(x) === "warn") ? 2 : 0);
  const entries: { at: bigint; last: bigint; row: number; sev: number; record: boolean; span: string; order: [bigint, bigint] }[] = [];
  for (const s of spans) {
    entries.push({ at: BigInt(s.start_ns), last: BigInt(s.end_ns) > BigInt(s.start_ns) ? BigInt(s.end_ns) : BigInt(s.start_ns), row: 1, sev: s.status_code === 2 ? 1 : 0, record: false, span: s.span_id, order: [BigInt(s.seq), 0n] });
  }
  const recordsOnSpan = new Map<string, number>();
  for (const r of [...records].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)))) {
    const s = spanByKey.get(`${r.span_id}/${r.content_hash}`);
    const at = s ? BigInt(s.start_ns) : BigInt(r.ts.getTime()) * 1_000_000n;
    const nth = s ? (recordsOnSpan.get(s.seq) ?? 0) + 1 : 0;
    if (s) recordsOnSpan.set(s.seq, nth);
    entries.push({ at, last: at, row: !s || nth > 1 ? 1 : 0, sev: severity(r.verdicts), record: true, span: r.span_id, order: [s ? BigInt(s.seq) : 0n, BigInt(r.seq)] });
  }
  const t0 = entries.reduce((m, e) => (e.at < m ? e.at : m), entries[0]!.at);
  const t1 = entries.reduce((m, e) => (e.last > m ? e.last : m), entries[0]!.last);
  const col = () => new Array<number>(bins).fill(0);
  const out = { rows: col(), failed: col(), doubtful: col(), errors: col(), mark: new Array<string | null>(bins).fill(null), markSpan: new Array<string | null>(bins).fill(null), markAt: new Array<number | null>(bins).fill(null) };
  const best = new Array<(typeof entries)[number] | null>(bins).fill(null);
  for (const e of entries) {
    const b = traceBin(e.at - t0, t1 - t0, bins);
    out.rows[b]! += e.row;
    if (e.record && e.sev === 3) out.failed[b]!++;
    if (e.record && e.sev === 2) out.doubtful[b]!++;
    if (!e.record && e.sev === 1) out.errors[b]!++;
    const cur = best[b];
    const before = (x: typeof e, y: typeof e): boolean => x.sev > y.sev || (x.sev === y.sev && (x.at < y.at || (x.at === y.at && (x.order[0] < y.order[0] || (x.order[0] === y.order[0] && x.order[1] < y.order[1])))));
    if (e.sev > 0 && (!cur || before(e, cur))) best[b] = e;
  }
  best.forEach((e, b) => {
    if (!e) return;
    out.mark[b] = e.sev === 3 ? "failed" : e.sev === 2 ? "doubtful" : "error";
    out.markSpan[b] = e.span;
    out.markAt[b] = Number(e.at - t0);
  });
  const tally = (keys: string[]) => keys.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
  return {
    startNs: t0.toString(),
    endNs: t1.toString(),
    spans: spans.length,
    rows: entries.reduce((n, e) => n + e.row, 0),
    errorSpans: spans.filter((s) => s.status_code === 2).length,
    records: records.length,
    unverified: records.filter((r) => !r.verified).length,
    failed: records.filter((r) => severity(r.verdicts) === 3).length,
    doubtful: records.filter((r) => severity(r.verdicts) === 2).length,
    verdicts: tally(records.flatMap((r) => r.verdicts)),
    kinds: tally(records.map((r) => r.kind)),
    bins: out,
  };
}

describe("/api/v1/traces/:traceId/summary", () => {
  let client: pg.Client;
  const rawRows = async (traceId: string, project = "default") => ({
    spans: (await client.query<RawSpan>(`SELECT span_id, content_hash, start_ns::text, end_ns::text, status_code, seq::text FROM spans WHERE project_id = $1 AND trace_id = $2`, [project, traceId])).rows,
    records: (await client.query<RawRecord>(`SELECT span_id, content_hash, ts, kind, agent, verdicts, verified, seq::text FROM records WHERE project_id = $1 AND trace_id = $2`, [project, traceId])).rows,
  });

  beforeAll(async () => {
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    await insertGeneratedTrace(client, { traceId: BIG, spans: N, shape: "tree", recordEvery: 50, start: T0 });
    const at = (i: number) => new Date(Number((T0_NS + BigInt(i) * 1000n) / 1_000_000n));
    await insertStoredRecords(client, [
      // A forged copy of the record on span 4,990: same ids, other content, so no span matches it (a row of its own at its time).
      storedRecord({ recordId: `${BIG}-rec-${FORGED_AT}`, traceId: BIG, spanId: generatedSpanId(FORGED_AT), ts: at(FORGED_AT), agent: "mallory", kind: "action", verdicts: verdicts("bad_signature") }),
      // A doubt (clock skew) on span 3,001's own content: the span's second record.
      storedRecord({ recordId: "clock-doubt", traceId: BIG, spanId: generatedSpanId(3_001), contentHash: (await client.query<{ h: string }>(`SELECT md5('3001') || md5('3001') AS h`)).rows[0]!.h, ts: at(3_001), verdicts: verdicts("stale") }),
    ]);
    // The same trace id in another project: never counted here.
    await client.query(`INSERT INTO projects (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING`);
    await client.query(
      `INSERT INTO spans (project_id, trace_id, span_id, name, span_kind, start_ns, end_ns, attributes, status_code, content_hash)
       VALUES ('other', $1, 'ffffffffffffff01', 'elsewhere', 1, $2, $3, '{}', 2, repeat('e', 64))`,
      [BIG, (T0_NS - 10_000_000_000n).toString(), T0_NS.toString()],
    );
    await client.query("ANALYZE spans; ANALYZE records");
  });
  afterAll(async () => {
    await client.end();
    await db().$disconnect();
    await tdb.drop();
  });

  it("counts the whole 5,000-span trace, the forged record past the first window included, as the raw rows say", async () => {
    const res = await fetchSummary(BIG);
    expect(res.status).toBe(200);
    const s = TraceSummaryView.parse(await res.json());
    const { spans, records } = await rawRows(BIG);
    const want = expectedSummary(spans, records, TRACE_SUMMARY_BINS);
    expect(s.spans).toBe(N);
    expect({ ...s, agents: undefined, agentCount: undefined, binWidthNs: undefined, traceId: undefined }).toEqual({ ...want, agents: undefined, agentCount: undefined, binWidthNs: undefined, traceId: undefined });
    // 100 generated records (every 50th span; every 7th of them forged-looking) + the forged copy + the doubt.
    expect(s.records).toBe(N / 50 + 2);
    expect(s.verdicts.bad_signature).toBe(records.filter((r) => r.verdicts.includes("bad_signature")).length);
    expect(s.doubtful).toBe(1);
    expect(s.kinds.action).toBe(1);
    const agents = new Map<string, { records: number; unverified: number }>();
    for (const r of records) {
      const a = agents.get(r.agent) ?? { records: 0, unverified: 0 };
      agents.set(r.agent, { records: a.records + 1, unverified: a.unverified + (r.verified ? 0 : 1) });
    }
    expect(s.agentCount).toBe(agents.size);
    expect(Object.fromEntries(s.agents.map((a) => [a.agent, { records: a.records, unverified: a.unverified }]))).toEqual(Object.fromEntries(agents));
    expect(s.agents.map((a) => a.records)).toEqual([...s.agents.map((a) => a.records)].sort((a, b) => b - a));
    expect(s.binWidthNs).toBeCloseTo(Number(BigInt(s.endNs) - BigInt(s.startNs) + 1n) / TRACE_SUMMARY_BINS, 3);
  });

  it("marks the forged record in its bin, with its span to jump to, though the first window stops long before it", async () => {
    const s = TraceSummaryView.parse(await (await fetchSummary(BIG)).json());
    const head = TraceView.parse(await (await traceRoute.GET(new Request(`${BASE}/api/v1/traces/${BIG}?limit=${TRACE_HEAD_SPANS}`, { headers: bearer }), params(BIG))).json());
    expect(head.truncated).toBe(true);
    expect(head.spans.id).not.toContain(generatedSpanId(FORGED_AT));
    expect(head.startNs).toBe(s.startNs);
    // Stored without a span, the forged copy sits at its own signed time (milliseconds).
    const forgedTs = (await client.query<{ ts: Date }>(`SELECT ts FROM records WHERE trace_id = $1 AND agent = 'mallory'`, [BIG])).rows[0]!.ts;
    const at = Number(BigInt(forgedTs.getTime()) * 1_000_000n - BigInt(s.startNs));
    const bin = traceBin(BigInt(at), BigInt(s.endNs) - BigInt(s.startNs), TRACE_SUMMARY_BINS);
    expect(s.bins.failed[bin]).toBeGreaterThanOrEqual(1);
    expect(s.bins.mark[bin]).toBe("failed");
    // The bin's earliest failure: the forged copy, unless a generated failed record starts earlier in the same bin.
    expect(s.bins.markAt[bin]).toBeLessThanOrEqual(at);
    // The stale record's bin says doubtful unless something failed there.
    const doubtAt = traceBin(BigInt(Number(T0_NS + 3_001n * 1000n - BigInt(s.startNs))), BigInt(s.endNs) - BigInt(s.startNs), TRACE_SUMMARY_BINS);
    expect(s.bins.doubtful[doubtAt]).toBe(1);
    // Sums over the bins are the whole trace's.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(s.bins.rows)).toBe(s.rows);
    expect(sum(s.bins.failed)).toBe(s.failed);
    expect(sum(s.bins.errors)).toBe(s.errorSpans);
  });

  it("takes ?bins= from 1 to 2,000 and refuses the rest with a message that says so", async () => {
    const one = TraceSummaryView.parse(await (await fetchSummary(BIG, "?bins=1")).json());
    expect(one.bins.rows).toEqual([one.rows]);
    const { spans, records } = await rawRows(BIG);
    const fine = TraceSummaryView.parse(await (await fetchSummary(BIG, "?bins=2000")).json());
    expect(fine.bins).toEqual(expectedSummary(spans, records, 2_000).bins);
    for (const bad of ["0", "2001", "x", "1.5"]) {
      const res = await fetchSummary(BIG, `?bins=${bad}`);
      expect(res.status).toBe(400);
      expect(ErrorView.parse(await res.json()).error.message).toMatch(/bins/);
    }
  });

  it("summarizes a small trace with records on spans, an error span and an orphan, and a record stored without its span", async () => {
    const t = smallTrace("summary-small", new Date(Date.UTC(2026, 10, 22, 9)));
    await insertSmallTrace(client, t);
    await insertStoredRecords(client, [storedRecord({ recordId: "alone", traceId: t.traceId, spanId: "9".repeat(16), ts: new Date(Date.UTC(2026, 10, 22, 9, 0, 5)), verdicts: verdicts("unsigned") })]);
    const s = TraceSummaryView.parse(await (await fetchSummary(t.traceId, "?bins=10")).json());
    const whole = TraceView.parse(await (await traceRoute.GET(new Request(`${BASE}/api/v1/traces/${t.traceId}`, { headers: bearer }), params(t.traceId))).json());
    // The summary counts what the whole waterfall shows.
    expect(s.rows).toBe(whole.spans.id.length);
    expect(s.records).toBe(whole.records.id.length);
    expect(s.unverified).toBe(whole.records.verified.filter((v) => !v).length);
    expect(s.startNs).toBe(whole.startNs);
    expect(s.endNs).toBe(whole.endNs);
    expect(s).toMatchObject({ spans: 6, errorSpans: 1, records: 4, failed: 3, doubtful: 0, verdicts: { verified: 1, schema_violation: 1, capability_violation: 1, unsigned: 1 } });
    // The lone record, 5 s after a 0.9 s trace, is alone in the last bin.
    expect(s.bins.rows.at(-1)).toBe(1);
    expect(s.bins.markSpan.at(-1)).toBe("9".repeat(16));
  });

  it("bins a trace longer than 26 days exactly (past bigint's range for the product, in numeric)", async () => {
    const long = "6".repeat(32);
    const t = smallTrace("summary-long", new Date(Date.UTC(2026, 10, 22, 9)));
    await insertSmallTrace(client, { ...t, traceId: long, spans: t.spans.map((x) => ({ ...x, traceId: long })), records: [] });
    await insertStoredRecords(client, [storedRecord({ recordId: "far-later", traceId: long, spanId: "8".repeat(16), ts: new Date(Date.UTC(2027, 2, 22, 9)), verdicts: verdicts("replay") })]);
    const s = TraceSummaryView.parse(await (await fetchSummary(long, "?bins=2000")).json());
    const { spans, records } = await rawRows(long);
    expect(s.bins).toEqual(expectedSummary(spans, records, 2_000).bins);
    expect(s.bins.rows[0]).toBe(6);
    expect(s.bins.mark[1_999]).toBe("failed");
    expect(s.bins.markSpan[1_999]).toBe("8".repeat(16));
  });

  it("answers 404 for a trace with nothing in this project, and 401 without credentials", async () => {
    const res = await fetchSummary("7".repeat(32));
    expect(res.status).toBe(404);
    expect(ErrorView.parse(await res.json()).error.message).toMatch(/no spans or records in trace/);
    expect((await fetchSummary(BIG, "", {})).status).toBe(401);
    expect((await fetchSummary("nothex")).status).toBe(400);
  });
});
