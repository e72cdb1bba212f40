import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";


const { createPrisma } = await import("@/lib/db/prisma.ts");
const { listRecords, getRecord } = await import("@/lib/db/records-query.ts");
const { RecordsQuery } = await import("@/lib/api/params.ts");
const { RecordDetail, RecordsPage } = await import("@/lib/api/views.ts");
const { FirebreakError } = await import("@/lib/api/errors.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents, insertStoredRecords, resetStoredIds, storedRecord, verdicts } = await import("../../fixtures/stored-records.ts");

type Prisma = ReturnType<typeof createPrisma>;
const NOW = new Date("2026-11-21T12:00:00.000Z");

describe("records queries", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: Prisma;
  let client: pg.Client;
  let scenario: ReturnType<typeof dashboardScenario>;

  /** Through the same query schema the route uses, then checked against the view schema. */
  async function list(query: Record<string, string>) {
    const page = await listRecords(prisma, "default", RecordsQuery.parse(query));
    return RecordsPage.parse(page);
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    prisma = createPrisma(tdb.url, { max: 2 });
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    resetStoredIds();
    scenario = dashboardScenario(NOW);
    await insertStoredAgents(client, scenario.agents);
    await insertStoredRecords(client, scenario.records);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await client.end();
    await tdb.drop();
  });

  it("lists newest first with the default limit and every field of the view", async () => {
    const page = await list({});
    expect(page.items).toHaveLength(scenario.records.length);
    expect(page.nextCursor).toBeNull();
    const ts = page.items.map((r) => Date.parse(r.timestamp));
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    const forged = page.items.find((r) => r.id === scenario.forgedId && !r.verified);
    expect(forged).toMatchObject({ kind: "message", agent: "planner", receivers: ["researcher"], verdicts: ["bad_signature"], verdictDetails: [{ verdict: "bad_signature", detail: "fixture: bad_signature" }] });
    const pending = page.items.find((r) => r.verdicts.includes("pending"));
    expect(pending?.pendingOn).toEqual(["msg-missing-1"]);
  });

  it("walks every record exactly once through keyset pages", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(cursor ? { limit: "4", cursor } : { limit: "4" });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((r) => r.seq));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);
    expect(new Set(seen).size).toBe(scenario.records.length);
    expect(seen).toHaveLength(scenario.records.length);
    expect(pages).toBe(Math.ceil(scenario.records.length / 4));
  });

  it("keeps pages stable when many records share one timestamp (ties broken by seq)", async () => {
    const same = new Date("2020-01-01T00:00:00.000Z");
    await insertStoredRecords(client, Array.from({ length: 7 }, () => storedRecord({ agent: "tie-agent", ts: same })));
    const seqs: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(cursor ? { agent: "tie-agent", limit: "3", cursor } : { agent: "tie-agent", limit: "3" });
      seqs.push(...page.items.map((r) => r.seq));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seqs).toHaveLength(7);
    expect(seqs.map(BigInt)).toEqual([...seqs.map(BigInt)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    await client.query(`DELETE FROM records WHERE agent = 'tie-agent'`);
  });

  it("a page exactly as long as what is left has no next cursor", async () => {
    const page = await list({ agent: "rogue-agent", limit: "3" });
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by agent, kind, intent and time", async () => {
    expect((await list({ agent: "planner" })).items).toHaveLength(10);
    expect((await list({ kind: "state.write" })).items.every((r) => r.kind === "state.write")).toBe(true);
    expect((await list({ intent: "BookingDone" })).items).toHaveLength(3);
    const lastHour = await list({ from: new Date(NOW.getTime() - 3_600_000).toISOString(), to: NOW.toISOString() });
    expect(lastHour.items.every((r) => Date.parse(r.timestamp) >= NOW.getTime() - 3_600_000)).toBe(true);
    expect(lastHour.items.some((r) => r.intent === "BookingDone" && r.kind === "message")).toBe(false);
    expect((await list({ agent: "nobody" })).items).toEqual([]);
  });

  it("filters by verdicts with containment: verified, one failure, or several at once", async () => {
    const verified = await list({ verdict: "verified", limit: "500" });
    expect(verified.items.every((r) => r.verified && r.verdicts.length === 1)).toBe(true);
    expect(verified.items).toHaveLength(scenario.records.filter((r) => r.verdicts.every((v) => v.verdict === "verified")).length);
    expect((await list({ verdict: "unknown_agent" })).items).toHaveLength(3);
    const both = await list({ verdict: "unknown_agent,unsigned" });
    expect(both.items).toHaveLength(1);
    expect(both.items[0]?.verdicts.sort()).toEqual(["unknown_agent", "unsigned"]);
  });

  it("uses the GIN index for verdict filters", async () => {
    await client.query("ANALYZE records");
    await client.query("SET enable_seqscan = off");
    const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN SELECT seq FROM records WHERE verdicts @> ARRAY['replay']::text[]`);
    await client.query("SET enable_seqscan = on");
    // Records are partitioned by week: every partition scanned is scanned through its own copy of the index.
    const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Bitmap Index Scan on records_\w*verdicts_idx/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it("rejects a forged cursor with a 400 that says what to pass", async () => {
    await expect(listRecords(prisma, "default", RecordsQuery.parse({ cursor: "eyJ0Ijoibm9wZSJ9" }))).rejects.toThrow(/nextCursor/);
  });

  it("rejects bad filters in the query schema with messages that say what to fix", () => {
    const bad = RecordsQuery.safeParse({ limit: "501", kind: "email", verdict: "verified,bogus", from: "yesterday" });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        "limit: limit must be at most 500",
        expect.stringMatching(/^kind: kind must be one of: request, /),
        expect.stringMatching(/^verdict\.1: verdict must be one of: verified, /),
        expect.stringMatching(/^from: from must be an RFC 3339 time/),
      ]),
    );
    expect(RecordsQuery.parse({}).limit).toBe(50);
  });

  it("returns every stored record that carries one id, original first", async () => {
    const detail = RecordDetail.parse(await getRecord(prisma, "default", scenario.forgedId));
    expect(detail.id).toBe(scenario.forgedId);
    expect(detail.records.map((r) => r.verified)).toEqual([true, false]);
    expect(detail.records[1]?.verdictDetails).toEqual([{ verdict: "bad_signature", detail: "fixture: bad_signature" }]);
  });

  it("404s an unknown id with a message", async () => {
    const err = await getRecord(prisma, "default", "no-such-record").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FirebreakError);
    expect((err as InstanceType<typeof FirebreakError>).status).toBe(404);
    expect((err as Error).message).toMatch(/no-such-record/);
  });

  it("shows verdict names even when verdict_details is not the expected shape", async () => {
    const odd = storedRecord({ recordId: "odd-details", ts: new Date("2019-01-01T00:00:00Z"), verdicts: verdicts("stale") });
    await insertStoredRecords(client, [odd]);
    await client.query(`UPDATE records SET verdict_details = '"garbage"'::jsonb WHERE record_id = 'odd-details'`);
    const detail = RecordDetail.parse(await getRecord(prisma, "default", "odd-details"));
    expect(detail.records[0]?.verdictDetails).toEqual([{ verdict: "stale" }]);
  });
});
