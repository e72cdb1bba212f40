// node --conditions=react-server --import tsx bench/graph-answer.ts [--agents 1000 --links 10000 --rounds 15] [--before <module>]
//
// The server's half of the agent graph's first render (ADR 0038): the answer
// of GET /api/v1/graph?format=columns, built by agentGraphAnswer on the raw
// `pg` pool, on bench:ui's fleet (bench/lib/graph-seed.ts) in a throwaway
// embedded PostgreSQL. Measured beside it in the same run, alternating:
//  - before: the links statement as it was read until ADR 0038 (every record
//    unnested by receiver, through Prisma's $queryRaw, last seen as Dates);
//    the statement alone, so the old answer cost at least this;
//  - floor: counting the window's records, the least any exact answer read
//    straight from records can do.
// `--before <module>`: also the whole answer of an earlier graph-query.ts
// (its agentGraphAnswer, given a Prisma client as it was then), e.g. the
// commit before ADR 0038 written out by `git show` with its imports pointed
// back at lib/ (docs/benchmarks.md says how).
// Also prints how many rows a per-edge, per-minute rollup would hold for the
// same window (the alternative ADR 0038 did not take). Say the load with any
// figure (docs/benchmarks.md).
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { agentGraphAnswer } from "../lib/db/graph-query.ts";
import { createPool } from "../lib/db/ingest-store.ts";
import { createPrisma } from "../lib/db/prisma.ts";
import { GraphQuery } from "../lib/api/graph-views.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { seedGraph } from "./lib/graph-seed.ts";
import { stat } from "./lib/stats.ts";

const { values: args } = parseArgs({ options: { before: { type: "string" }, agents: { type: "string", default: "1000" }, links: { type: "string", default: "10000" }, rounds: { type: "string", default: "15" } } });
const AGENTS = Number(args.agents);
const LINKS = Number(args.links);
const ROUNDS = Number(args.rounds);

const BEFORE_SQL = `SELECT r.agent AS sender, rcv AS receiver, count(*)::int AS messages,
       (count(*) FILTER (WHERE r.verified))::int AS verified,
       (count(*) FILTER (WHERE r.verdicts && ARRAY['bad_signature', 'replay']::text[]))::int AS forged,
       max(r.ts) AS last_seen
  FROM records r CROSS JOIN LATERAL unnest(r.receivers) AS rcv
 WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3
 GROUP BY r.agent, rcv`;
const FLOOR_SQL = `SELECT count(*) FROM records r WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3`;
const ROLLUP_ROWS_SQL = `SELECT count(*)::int AS n FROM (SELECT DISTINCT r.agent, rcv, date_trunc('minute', r.ts) FROM records r CROSS JOIN LATERAL unnest(r.receivers) AS rcv
  WHERE r.project_id = $1 AND r.kind = 'message' AND r.ts >= $2 AND r.ts < $3) x`;

const database = await startBenchDatabase();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const pool = createPool(database.url, 5);
const prisma = createPrisma(database.url, { max: 5 });
try {
  console.log(`bench:graph-answer: seeding ${AGENTS} agents / ${LINKS} links`);
  await seedGraph(client, AGENTS, LINKS);
  const records = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM records`)).rows[0]!.n);
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3_600_000);
  const rollupRows = (await client.query<{ n: number }>(ROLLUP_ROWS_SQL, ["default", from, to])).rows[0]!.n;
  const live = GraphQuery.parse({ window: "24h", format: "columns" });
  const replay = GraphQuery.parse({ window: "24h", at: new Date(to.getTime() - 10 * 60_000).toISOString(), format: "columns" });
  const bytes = JSON.stringify(await agentGraphAnswer(pool, "default", live)).length;

  type Answer = (db: unknown, project: string, q: GraphQuery) => Promise<unknown>;
  const earlier = args.before ? ((await import(path.resolve(args.before))) as { agentGraphAnswer: Answer }).agentGraphAnswer : null;
  const runs: Record<string, () => Promise<unknown>> = {
    ...(earlier ? { [`before: whole answer of ${path.basename(args.before!)} (Prisma)`]: async () => JSON.stringify(await earlier(prisma, "default", live)) } : {}),
    "answer, live (pg, columns, JSON)": async () => JSON.stringify(await agentGraphAnswer(pool, "default", live)),
    "answer, replay 10 min ago": async () => JSON.stringify(await agentGraphAnswer(pool, "default", replay)),
    "before: links statement via Prisma": () => prisma.$queryRawUnsafe(BEFORE_SQL, "default", from, to),
    "floor: count the window's records": () => pool.query(FLOOR_SQL, ["default", from, to]),
  };
  // Two rounds each to warm connections, plans and JIT, not counted.
  for (const fn of Object.values(runs)) for (let i = 0; i < 2; i++) await fn();
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  const loadBefore = loadavg();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(runs)) {
      const t = performance.now();
      await fn();
      times[name]!.push(performance.now() - t);
    }
  }
  const loadAfter = loadavg();
  const floor = stat(times["floor: count the window's records"]!).p50;
  const before = stat(times["before: links statement via Prisma"]!).p50;
  console.log(`\n${records} records, ${LINKS} links, answer ${Math.round(bytes / 1024)} KiB; a per-edge, per-minute rollup of the window: ${rollupRows} rows`);
  console.log(`load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")} -> ${loadAfter.map((x) => x.toFixed(2)).join(" ")}, ${ROUNDS} rounds, alternating\n`);
  console.log("| run | p50 | p95 | p50 / floor | p50 / before |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, xs] of Object.entries(times)) {
    const s = stat(xs);
    console.log(`| ${name} | ${s.p50.toFixed(1)} ms | ${s.p95.toFixed(1)} ms | ${(s.p50 / floor).toFixed(1)}x | ${(s.p50 / before).toFixed(2)}x |`);
  }
} finally {
  await prisma.$disconnect();
  await pool.end();
  await client.end();
  await database.stop();
}
