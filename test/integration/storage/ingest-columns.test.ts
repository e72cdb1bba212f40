// Spans and records travel to PostgreSQL as array literals (lib/db/ingest-columns.ts):
// every value a sender can put in a field comes back exactly as sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { VerdictDetail } from "@/lib/protocol/record.ts";
import { createPool } from "@/lib/db/ingest-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { recordRow, spanOf, store } from "../lineage/lineage-fixtures.ts";

let tdb: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  tdb = await createTestDatabase();
  pool = createPool(tdb.url, 2);
});
afterAll(async () => {
  await pool.end();
  await tdb.drop();
});

const awkward = ['quote " inside', "back\\slash", "NULL", "", "{braces,comma}", "ünï ✓ \u{1F600}", "new\nline\ttab", "'single'"];

describe("ingest columns round trip", () => {
  it("stores awkward text, arrays, verdict details and span attributes unchanged", async () => {
    const verdicts: VerdictDetail[] = [{ verdict: "pending", detail: 'waits on "req-1" \\ and {x}' }];
    const rows = awkward.map((text, i) =>
      recordRow(`rec-${i}-${text}`, { agent: `agent ${text}`, intent: text, payload: JSON.stringify({ text }), receivers: [text, "b"], parents: i % 2 ? [] : [text], verdicts, pendingOn: [text] }),
    );
    const spans = rows.map((r, i) => ({ ...spanOf(r, i), name: awkward[i]!, attributes: { note: awkward[i]!, nested: { list: [awkward[i]!, 1, null] } } }));
    // store() answers with the declared edges it added: one per record that names a parent.
    expect(await store(pool, rows, spans)).toBe(rows.filter((r) => r.parents.length > 0).length);

    const stored = await pool.query(
      `SELECT record_id, agent, intent, payload, receivers, parents, verdicts, verdict_details, verified, pending_on, pending_since IS NOT NULL AS waiting
         FROM records WHERE project_id = 'default' ORDER BY seq`,
    );
    expect(stored.rows).toEqual(
      rows.map((r) => ({
        record_id: r.recordId,
        agent: r.agent,
        intent: r.intent,
        payload: r.payload,
        receivers: r.receivers,
        parents: r.parents,
        verdicts: ["pending"],
        verdict_details: verdicts,
        verified: false,
        pending_on: r.pendingOn,
        waiting: true,
      })),
    );
    const storedSpans = await pool.query(`SELECT name, attributes, parent_span_id, start_ns::text FROM spans WHERE project_id = 'default' ORDER BY start_ns`);
    expect(storedSpans.rows).toEqual(spans.map((s) => ({ name: s.name, attributes: s.attributes, parent_span_id: null, start_ns: s.startNs })));
    const edges = await pool.query(`SELECT child_id, parent_id FROM record_edges WHERE project_id = 'default' ORDER BY child_id`);
    expect(edges.rows).toEqual(rows.filter((r) => r.parents.length > 0).map((r) => ({ child_id: r.recordId, parent_id: r.parents[0] })).sort((a, b) => (a.child_id < b.child_id ? -1 : 1)));

    // An identical retry stores nothing new.
    expect(await store(pool, rows, spans)).toBe(0);
    const counts = await pool.query(`SELECT (SELECT count(*) FROM records)::int AS records, (SELECT count(*) FROM spans)::int AS spans`);
    expect(counts.rows[0]).toEqual({ records: rows.length, spans: rows.length });
  });
});
