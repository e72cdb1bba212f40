// npm run bench:fleet-counts -- [--records 2000000] [--agents 40] [--links 160] [--minutes 60] [--rounds 9]
//
// The dashboard's fleet questions on a busy fleet (ADR 0051): the overview's
// edges and rate series, the agents and edges summaries and the graph's
// links, over a window holding every record of the run, in a throwaway
// embedded PostgreSQL. Each is measured beside its statement as it was
// before the tallies (every record of the window read and grouped), in the
// same run, alternating; both give the same counts (checked here once).
// `--unmerged`: measure before the tallies' deltas are merged, as a
// collector whose merger is behind would answer.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { agentsSummary } from "../lib/db/agents-summary-query.ts";
import { edgeSummary } from "../lib/db/edges-query.ts";
import { fleetOverview } from "../lib/db/fleet-query.ts";
import { agentGraphAnswer } from "../lib/db/graph-query.ts";
import { createPool } from "../lib/db/ingest-store.ts";
import { createPrisma } from "../lib/db/prisma.ts";
import { mergeAllTallies } from "../lib/db/record-tallies.ts";
import { GraphQuery } from "../lib/api/graph-views.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { stat } from "./lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "2000000" },
    agents: { type: "string", default: "40" },
    links: { type: "string", default: "160" },
    minutes: { type: "string", default: "60" },
    rounds: { type: "string", default: "9" },
    unmerged: { type: "boolean", default: false },
  },
});
const RECORDS = Number(args.records);
const AGENTS = Number(args.agents);
const LINKS = Number(args.links);
const MINUTES = Number(args.minutes);
const ROUNDS = Number(args.rounds);

// The statements as they were before ADR 0051: each reads every record of its window.
const BEFORE = {
  agents: `WITH w AS (SELECT agent, verdicts, verified FROM records WHERE project_id = $1 AND ts >= $2 AND ts < $3),
    sent AS (SELECT agent, count(*)::int AS sent, (count(*) FILTER (WHERE verified))::int AS verified FROM w GROUP BY agent),
    by_verdict AS (SELECT agent, jsonb_object_agg(verdict, n) AS by_verdict
      FROM (SELECT agent, v AS verdict, count(*)::int AS n FROM w CROSS JOIN LATERAL unnest(w.verdicts) AS v GROUP BY agent, v) c GROUP BY agent)
    SELECT s.agent, s.sent, s.verified, b.by_verdict FROM sent s LEFT JOIN by_verdict b USING (agent) ORDER BY s.sent DESC, s.agent`,
  edges: `WITH e AS (SELECT r.agent AS sender, rcv AS receiver, r.verdicts, r.verified, r.ts FROM records r CROSS JOIN LATERAL unnest(r.receivers) AS rcv
       WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3),
    totals AS (SELECT sender, receiver, count(*)::int AS total, (count(*) FILTER (WHERE verified))::int AS verified, max(ts) AS last_seen FROM e GROUP BY sender, receiver),
    by_verdict AS (SELECT sender, receiver, jsonb_object_agg(verdict, n) AS by_verdict
      FROM (SELECT sender, receiver, v AS verdict, count(*)::int AS n FROM e CROSS JOIN LATERAL unnest(e.verdicts) AS v GROUP BY sender, receiver, v) c GROUP BY sender, receiver)
    SELECT t.sender, t.receiver, t.total, t.verified, b.by_verdict, t.last_seen FROM totals t LEFT JOIN by_verdict b USING (sender, receiver) ORDER BY t.total DESC, t.sender, t.receiver`,
  graph: `SELECT r.agent AS sender, CASE WHEN cardinality(r.receivers) = 1 THEN r.receivers[1] END AS receiver, CASE WHEN cardinality(r.receivers) <> 1 THEN r.receivers END AS receivers,
       count(*)::int AS messages, (count(*) FILTER (WHERE r.verified))::int AS verified,
       (count(*) FILTER (WHERE r.verdicts && ARRAY['bad_signature', 'replay']::text[]))::int AS forged, floor(extract(epoch FROM max(r.ts)) * 1000)::float8 AS last_seen
     FROM records r WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3 GROUP BY r.agent, r.receivers`,
  // The overview's record series and its edge list, as fleetOverview read them.
  overview: `SELECT (SELECT count(*) FROM (SELECT DISTINCT r.agent, rcv FROM records r CROSS JOIN LATERAL unnest(r.receivers) AS rcv
                  WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3) d) AS edges,
       (SELECT count(*) FROM (SELECT (floor(extract(epoch FROM ts) * 1000 / $4)::bigint * $4)::text AS b, count(*)::int, (count(*) FILTER (WHERE verified))::int,
                  (count(*) FILTER (WHERE NOT verified AND NOT ('pending' = ANY(verdicts))))::int
             FROM records WHERE project_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1) s) AS buckets`,
};

const database = await startBenchDatabase();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const pool = createPool(database.url, 5);
const prisma = createPrisma(database.url, { max: 5 });
try {
  // Now, to the second: the window ends mid-minute, as a live one does.
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 37_250);
  const start = new Date(now.getTime() - MINUTES * 60_000);
  console.log(`bench:fleet-counts: seeding ${RECORDS} records over ${MINUTES} min, ${AGENTS} agents, ${LINKS} links`);
  const t0 = performance.now();
  // In slices: each statement is one trigger firing, as an ingest batch is.
  const slice = 50_000;
  for (let done = 0; done < RECORDS; done += slice) {
    await client.query(
      `INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload, parents, authority,
                            signature, key_id, verdicts, verdict_details, verified, pending_on)
       SELECT 'r' || i, lpad(to_hex(i), 32, '0'), lpad(to_hex(i), 16, '0'), lpad(to_hex(i), 64, '0'),
              CASE WHEN i % 10 = 0 THEN 'action' ELSE 'message' END,
              'agent-' || (l % $4), ARRAY['agent-' || ((l * 7 + 1 + l / $4) % $4)], 'Quote', 'a2a/0.3',
              $1::timestamptz + make_interval(secs => ((i * 7919) % ($3::bigint * 1000)) / 1000.0 * $5 / $3),
              'n' || i, '{}', '{}', '{}', 's', 'k1',
              CASE WHEN i % 50 = 0 THEN ARRAY['bad_signature'] WHEN i % 97 = 0 THEN ARRAY['pending'] ELSE ARRAY['verified'] END,
              '[]'::jsonb, NOT (i % 50 = 0 OR i % 97 = 0), '{}'
         FROM generate_series($2::bigint, $2::bigint + $6 - 1) AS i, LATERAL (SELECT (i * 2654435761) % $7 AS l) x`,
      [start, done, RECORDS, AGENTS, MINUTES * 60, Math.min(slice, RECORDS - done), LINKS],
    );
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  const deltas = Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_tallies`)).rows[0]!.n);
  const merge = args.unmerged ? null : await mergeAllTallies(pool);
  const rows = Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_tallies`)).rows[0]!.n);
  await client.query(`VACUUM ANALYZE records`);
  await client.query(`VACUUM ANALYZE record_tallies`);
  console.log(
    `seeded in ${seedSeconds.toFixed(1)} s; tallies: ${deltas} delta rows${merge ? `, merged into ${rows} (${merge.minutes} minutes)` : " left unmerged"}`,
  );

  const window = `${MINUTES + 1}m`;
  const from = new Date(now.getTime() - (MINUTES + 1) * 60_000);
  const step = 60_000;
  const q = { window };
  // The same counts either way, checked once before timing.
  const agentsNow = await agentsSummary(prisma, "default", q, now);
  const agentsBefore = await pool.query<{ agent: string; sent: number }>(BEFORE.agents, ["default", from, now]);
  const sentNow = Object.fromEntries(agentsNow.items.map((a) => [a.id, a.sent]));
  for (const r of agentsBefore.rows) if (sentNow[r.agent] !== r.sent) throw new Error(`agents summary differs for ${r.agent}: ${sentNow[r.agent]} against ${r.sent}`);
  const edgesNow = await edgeSummary(prisma, "default", q, now);
  const edgesBefore = await pool.query<{ total: number }>(BEFORE.edges, ["default", from, now]);
  if (edgesNow.items.reduce((s, e) => s + e.total, 0) !== edgesBefore.rows.reduce((s, e) => s + e.total, 0)) throw new Error("edge totals differ");

  const live = GraphQuery.parse({ window, format: "columns" });
  const runs: Record<string, [now: () => Promise<unknown>, before: () => Promise<unknown>]> = {
    "overview (edges and rate series)": [() => fleetOverview(pool, "default", q, now), () => pool.query(BEFORE.overview, ["default", from, now, step])],
    "agents summary": [() => agentsSummary(prisma, "default", q, now), () => prisma.$queryRawUnsafe(BEFORE.agents, "default", from, now)],
    "edges summary": [() => edgeSummary(prisma, "default", q, now), () => prisma.$queryRawUnsafe(BEFORE.edges, "default", from, now)],
    "graph answer (links)": [() => agentGraphAnswer(pool, "default", live, now), () => pool.query(BEFORE.graph, ["default", from, now])],
  };
  for (const [a, b] of Object.values(runs)) for (let i = 0; i < 2; i++) await Promise.all([a(), b()].map((p) => p));
  const times: Record<string, { now: number[]; before: number[] }> = Object.fromEntries(Object.keys(runs).map((k) => [k, { now: [], before: [] }]));
  const loadBefore = loadavg();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [a, b]] of Object.entries(runs)) {
      let t = performance.now();
      await a();
      times[name]!.now.push(performance.now() - t);
      t = performance.now();
      await b();
      times[name]!.before.push(performance.now() - t);
    }
  }
  const loadAfter = loadavg();
  console.log(`\n${RECORDS} records in a ${window} window; load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")} -> ${loadAfter.map((x) => x.toFixed(2)).join(" ")}, ${ROUNDS} rounds, alternating\n`);
  console.log("| question | from tallies p50 / p95 | every record (before) p50 / p95 | p50 ratio |");
  console.log("|---|---:|---:|---:|");
  for (const [name, t] of Object.entries(times)) {
    const a = stat(t.now);
    const b = stat(t.before);
    console.log(`| ${name} | ${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} ms | ${b.p50.toFixed(1)} / ${b.p95.toFixed(1)} ms | ${(a.p50 / b.p50).toFixed(3)}x |`);
  }
} finally {
  await prisma.$disconnect();
  await pool.end();
  await client.end();
  await database.stop();
}
