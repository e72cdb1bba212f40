// npm run bench:lineage -- [--scale 1] [--rounds 4] [--skip-gin]
//
// Lineage on a generated provenance graph of 1,000,000 records: origin lookup
// 20 hops deep and the blast radius of a record with 10,000 descendants,
// through the stored graph (lib/db/lineage-store.ts), beside a baseline
// measured in the same run: the same walks over an in-memory adjacency map
// loaded from the same data. Then the alternative storage ADR 0006 weighed
// (GIN indexes on records.parents/authority) and the ingest cost of each.
// Prints a table; writes bench-output/lineage.json.
import { availableParallelism, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { elapsedLog, percentile, stat, type Stat } from "./lib/stats.ts";
import {
  DEFAULT_SPEC,
  GinAdjacency,
  createGinIndexes,
  dropGinIndexes,
  generateGraph,
  loadMemoryGraph,
  pickBlastTargets,
  pickOriginTargets,
  plantFlags,
  recordId,
  totalRecords,
  type GraphSpec,
} from "./lib/provenance-graph.ts";
import { insertBatch, type RecordRow } from "../lib/db/ingest-store.ts";
import { DbAdjacency, insertEdges, listCompromiseMarks } from "../lib/db/lineage-store.ts";
import { PlannedIdsAdjacency } from "./lib/planned-ids-adjacency.ts";
import type { Adjacency } from "../lib/lineage/adjacency.ts";
import { blastRadiusOf, originOf } from "../lib/lineage/answers.ts";
import { traceBlastRadius, traceOrigin } from "../lib/lineage/lineage-queries.ts";
import { indexCompromise } from "../lib/lineage/suspicion.ts";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    "blast-targets": { type: "string", default: "20" },
    hops: { type: "string", default: "20" },
    descendants: { type: "string", default: "10000" },
    "skip-gin": { type: "boolean", default: false },
    out: { type: "string", default: "bench-output/lineage.json" },
  },
});

const GOALS = { originP95Ms: 50, blastP95Ms: 300 };
const started = performance.now();
const log = elapsedLog(started);


async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

async function main(): Promise<void> {
  const scale = Number(args.scale);
  const rounds = Math.max(1, Number(args.rounds));
  const hops = Number(args.hops);
  const wantDescendants = Math.round(Number(args.descendants) * Math.min(1, scale));
  const spec: GraphSpec = {
    ...DEFAULT_SPEC,
    bigWorkflows: Math.max(4, Math.round(DEFAULT_SPEC.bigWorkflows * scale)),
    smallWorkflows: Math.round(DEFAULT_SPEC.smallWorkflows * scale),
  };
  if (scale < 1) spec.bigSize = Math.max(2_000, Math.round(DEFAULT_SPEC.bigSize * scale));
  const loadStart = loadavg()[0]!;
  log(`machine: ${availableParallelism()} cores, node ${process.version}, load average ${loadStart.toFixed(2)}`);
  const database = await startBenchDatabase();
  // Interrupted, the run still stops the server it started.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void database.stop().finally(() => process.exit(130)));
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on("error", () => {});
  try {
    log(`generating ${totalRecords(spec).toLocaleString("en")} records in SQL`);
    const gen = await generateGraph(pool, spec, log);
    log(`generated: records ${(gen.recordsMs / 1000).toFixed(1)} s, edges ${(gen.edgesMs / 1000).toFixed(1)} s, indexes ${(gen.indexesMs / 1000).toFixed(1)} s, state edges ${(gen.stateEdgesMs / 1000).toFixed(1)} s, analyze ${(gen.analyzeMs / 1000).toFixed(1)} s; ${gen.edgeCount.toLocaleString("en")} edges`);

    log("loading the same graph into memory (baseline)");
    const mem = await loadMemoryGraph(pool, log);

    const originTargets = await pickOriginTargets(mem, spec, hops, spec.bigWorkflows);
    await plantFlags(pool, mem, originTargets.map((t) => t.origin));
    const blastTargets = await pickBlastTargets(mem, spec, wantDescendants, Number(args["blast-targets"]));
    log(`${originTargets.length} origin targets (${hops} hops; upstream sets of ${Math.min(...originTargets.map((t) => t.upstream))}-${Math.max(...originTargets.map((t) => t.upstream))} records)`);
    log(`${blastTargets.length} blast targets (${Math.min(...blastTargets.map((t) => t.descendants))}-${Math.max(...blastTargets.map((t) => t.descendants))} descendants)`);

    // Correctness first: every backend gives the same answer.
    const mismatches: string[] = [];
    for (const t of originTargets) {
      const db = await traceOrigin(pool, "default", t.target);
      const base = await originOf(mem, t.target);
      if (db.origins.map((o) => o.id).join() !== t.origin || JSON.stringify(db) !== JSON.stringify(base)) mismatches.push(`origin ${t.target}`);
      if (db.paths[0]?.hops !== t.hops) mismatches.push(`hops ${t.target}: ${db.paths[0]?.hops}`);
    }
    for (const t of blastTargets.slice(0, 5)) {
      const db = await traceBlastRadius(pool, "default", t.target);
      const base = await blastRadiusOf(mem, t.target);
      if (JSON.stringify(db) !== JSON.stringify(base)) mismatches.push(`blast ${t.target}`);
    }
    log(mismatches.length === 0 ? "database and in-memory answers agree" : `MISMATCH: ${mismatches.join("; ")}`);

    const sample = await blastRadiusOf(mem, blastTargets[0]!.target);
    log(`sample blast radius: ${sample.counts.total} records (${sample.counts.messages} messages, ${sample.counts.stateVersions} state versions, ${sample.counts.actions} actions), ${sample.byAgent.length} agents, tainted decisions ${((sample.decisions.share ?? 0) * 100).toFixed(1)}%, ${Math.max(...sample.descendants.map((d) => d.depth))} levels deep`);

    const measure = async (name: string, targets: string[], fn: (id: string) => Promise<unknown>, times = rounds): Promise<Stat> => {
      for (const id of targets.slice(0, 3)) await fn(id); // warm-up
      const xs: number[] = [];
      for (let r = 0; r < times; r++) for (const id of targets) xs.push((await timed(() => fn(id)))[0]);
      const s = stat(xs);
      log(`${name}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`);
      return s;
    };
    // The same blast radius read as before ADR 0033 (id lists planned element by element,
    // marks and findings joined), alternated target by target with today's so both see the same machine.
    const plannedIds = async (id: string) => blastRadiusOf(new PlannedIdsAdjacency(pool, indexCompromise(await listCompromiseMarks(pool, "default")), { project: "default" }), id);
    const measurePair = async (targets: string[], times: number): Promise<{ now: Stat; before: Stat }> => {
      // Warm-up, and the same answer both ways.
      for (const id of targets.slice(0, 3)) if (JSON.stringify(await plannedIds(id)) !== JSON.stringify(await traceBlastRadius(pool, "default", id))) mismatches.push(`planned ids ${id}`);
      const now: number[] = [];
      const before: number[] = [];
      for (let r = 0; r < times; r++) {
        for (const id of targets) {
          const order = r % 2 === 0 ? ([before, now] as const) : ([now, before] as const);
          for (const xs of order) xs.push((await timed(() => (xs === now ? traceBlastRadius(pool, "default", id) : plannedIds(id))))[0]);
        }
      }
      const pair = { now: stat(now), before: stat(before) };
      log(`blast radius, alternated: today p50 ${pair.now.p50.toFixed(1)} / p95 ${pair.now.p95.toFixed(1)} ms; before ADR 0033 p50 ${pair.before.p50.toFixed(1)} / p95 ${pair.before.p95.toFixed(1)} ms`);
      return pair;
    };
    const origins = originTargets.map((t) => t.target);
    const blasts = blastTargets.map((t) => t.target);
    const results = {
      originDb: await measure("origin, stored graph", origins, (id) => traceOrigin(pool, "default", id)),
      originMem: await measure("origin, in-memory baseline", origins, (id) => originOf(mem, id)),
      blastDb: await measure("blast radius, stored graph", blasts, (id) => traceBlastRadius(pool, "default", id), 2),
      blastMem: await measure("blast radius, in-memory baseline", blasts, (id) => blastRadiusOf(mem, id), 2),
      blastAlternated: await measurePair(blasts, 2),
    };
    const queriesPerOrigin = await countQueries(pool, (adj) => originOf(adj, origins[0]!));
    const queriesPerBlast = await countQueries(pool, (adj) => blastRadiusOf(adj, blasts[0]!));

    // ADR 0006: the same walks with edges read from records' arrays through GIN.
    let gin: null | {
      originGin: Stat;
      blastGin: Stat;
      originTable: Stat;
      blastTable: Stat;
      originLevels: Stat;
      blastLevels: Stat;
      ginIndexMiB: number;
      edgesTableMiB: number;
      buildMs: number;
      ingest: IngestCost;
    } = null;
    if (!args["skip-gin"]) {
      const ingestBefore = await ingestCost(pool, spec, false);
      const [buildMs] = await timed(() => createGinIndexes(pool));
      log(`GIN indexes on records(parents), records(authority) built in ${(buildMs / 1000).toFixed(1)} s`);
      const marks = indexCompromise([]);
      const table = (id: string, up: boolean) => (up ? originOf(new DbAdjacency(pool, marks), id) : blastRadiusOf(new DbAdjacency(pool, marks), id));
      const viaGin = (id: string, up: boolean) => (up ? originOf(new GinAdjacency(pool, marks), id) : blastRadiusOf(new GinAdjacency(pool, marks), id));
      const perLevel = (id: string, up: boolean) =>
        up ? originOf(new DbAdjacency(pool, marks, { prefetch: false }), id) : blastRadiusOf(new DbAdjacency(pool, marks, { prefetch: false }), id);
      for (const id of [...origins.slice(0, 3), ...blasts.slice(0, 3)]) {
        const up = origins.includes(id);
        if (JSON.stringify(await table(id, up)) !== JSON.stringify(await viaGin(id, up))) mismatches.push(`gin ${id}`);
      }
      const originTable = await measure("origin, edges table (no marks lookup)", origins, (id) => table(id, true), 1);
      const originGin = await measure("origin, GIN on records arrays", origins, (id) => viaGin(id, true), 1);
      const originLevels = await measure("origin, edges table, a query per level", origins, (id) => perLevel(id, true), 1);
      const blastTable = await measure("blast radius, edges table (no marks lookup)", blasts, (id) => table(id, false), 1);
      const blastGin = await measure("blast radius, GIN on records arrays", blasts, (id) => viaGin(id, false), 1);
      const blastLevels = await measure("blast radius, edges table, a query per level", blasts.slice(0, 10), (id) => perLevel(id, false), 1);
      const ingestAfter = await ingestCost(pool, spec, true);
      const sizes = (
        await pool.query<{ gin: string; edges: string }>(
          `SELECT (pg_relation_size('bench_records_parents_gin') + pg_relation_size('bench_records_authority_gin'))::text AS gin,
                  pg_total_relation_size('record_edges')::text AS edges`,
        )
      ).rows[0]!;
      gin = {
        originGin,
        blastGin,
        originTable,
        blastTable,
        originLevels,
        blastLevels,
        buildMs,
        ginIndexMiB: Number(sizes.gin) / 2 ** 20,
        edgesTableMiB: Number(sizes.edges) / 2 ** 20,
        ingest: { ...ingestBefore, ginMs: ingestAfter.ginMs },
      };
      await dropGinIndexes(pool);
    }

    const row = (name: string, s: Stat, goal: string) => `${name.padEnd(44)} ${s.p50.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)}   ${goal}`;
    console.log("");
    const loadEnd = loadavg()[0]!;
    console.log(
      `lineage on ${totalRecords(spec).toLocaleString("en")} records, ${gen.edgeCount.toLocaleString("en")} edges (${availableParallelism()} cores; load average ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at end: other work on the machine slows both columns alike)`,
    );
    console.log(`${"".padEnd(44)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}   goal`);
    console.log(row(`origin ${hops} hops, stored graph`, results.originDb, `p95 < ${GOALS.originP95Ms} ms: ${results.originDb.p95 < GOALS.originP95Ms ? "met" : "MISSED"}`));
    console.log(row(`origin ${hops} hops, in-memory baseline`, results.originMem, ""));
    console.log(row(`blast radius ~${wantDescendants}, stored graph`, results.blastDb, `p95 < ${GOALS.blastP95Ms} ms: ${results.blastDb.p95 < GOALS.blastP95Ms ? "met" : "MISSED"}`));
    console.log(row(`blast radius ~${wantDescendants}, in-memory baseline`, results.blastMem, ""));
    console.log(row(`  alternated: stored graph`, results.blastAlternated.now, ""));
    console.log(row(`  alternated: ids planned (before ADR 0033)`, results.blastAlternated.before, ""));
    if (gin) {
      console.log("ADR 0006, the same walks (marks not loaded):");
      console.log(row("  origin, edges table", gin.originTable, ""));
      console.log(row("  origin, GIN on records.parents/authority", gin.originGin, ""));
      console.log(row("  origin, edges table, query per level", gin.originLevels, ""));
      console.log(row("  blast radius, edges table", gin.blastTable, ""));
      console.log(row("  blast radius, GIN on records arrays", gin.blastGin, ""));
      console.log(row("  blast radius, edges table, query per level", gin.blastLevels, ""));
      console.log(`storage: edges table ${gin.edgesTableMiB.toFixed(0)} MiB (with its indexes), GIN indexes ${gin.ginIndexMiB.toFixed(0)} MiB (built in ${(gin.buildMs / 1000).toFixed(1)} s)`);
      console.log(
        `ingest, ${gin.ingest.batch} records per transaction (p50): records alone ${gin.ingest.baseMs.toFixed(1)} ms, + insertEdges ${gin.ingest.edgesMs.toFixed(1)} ms, with GIN indexes instead ${gin.ingest.ginMs.toFixed(1)} ms`,
      );
    }
    console.log(`database round trips: ${queriesPerOrigin} per origin lookup, ${queriesPerBlast} per blast radius (with its upstream check)`);
    if (mismatches.length > 0) console.log(`MISMATCHES: ${mismatches.join("; ")}`);

    const output = {
      date: new Date().toISOString(),
      cores: availableParallelism(),
      node: process.version,
      loadAverage: { start: loadStart, end: loadEnd },
      records: totalRecords(spec),
      edges: gen.edgeCount,
      spec,
      generation: gen,
      hops,
      originTargets: originTargets.length,
      blastTargets: blastTargets.length,
      blastDescendants: blastTargets.map((t) => t.descendants),
      goals: GOALS,
      ...results,
      queriesPerOrigin,
      queriesPerBlast,
      gin,
      mismatches,
      totalSeconds: (performance.now() - started) / 1000,
    };
    mkdirSync("bench-output", { recursive: true });
    writeFileSync(args.out, JSON.stringify(output, null, 2));
    log(`wrote ${args.out}`);
    if (mismatches.length > 0) process.exitCode = 1;
  } finally {
    await pool.end();
    await database.stop();
  }
}

async function countQueries(pool: pg.Pool, fn: (adj: Adjacency) => Promise<unknown>): Promise<number> {
  const adj = new DbAdjacency(pool, indexCompromise([]));
  await fn(adj);
  return adj.queries;
}

interface IngestCost {
  batch: number;
  baseMs: number;
  edgesMs: number;
  ginMs: number;
}

/**
 * What each storage costs the ingest transaction: batches of new records
 * deriving from stored ones, inserted and rolled back so the graph stays as
 * it was. Without GIN indexes: records alone vs records + insertEdges
 * (interleaved); with them: records alone (the GIN cost is in the insert).
 */
async function ingestCost(pool: pg.Pool, spec: GraphSpec, withGin: boolean): Promise<IngestCost> {
  const batch = 500;
  const n = totalRecords(spec);
  let seq = 0;
  const rows = (): RecordRow[] =>
    Array.from({ length: batch }, () => {
      seq++;
      const parent = recordId((seq * 7919) % n);
      const kinds = ["message", "message", "state.write", "state.read", "action"] as const;
      const kind = kinds[seq % kinds.length]!;
      return {
        recordId: `ingest-${withGin ? "g" : "t"}-${seq}`,
        traceId: seq.toString(16).padStart(32, "f"),
        spanId: seq.toString(16).padStart(16, "f"),
        contentHash: seq.toString(16).padStart(64, "f"),
        kind,
        agent: `agent-${seq % 50}`,
        receivers: kind === "message" ? [`agent-${(seq + 1) % 50}`] : [],
        intent: kind.startsWith("state") ? `key/${seq % 1000}/1` : "intent.1",
        protocol: "a2a/0.3",
        ts: new Date(spec.t0 + 86_400_000 + seq).toISOString(),
        nonce: null,
        payload: null,
        parents: [parent],
        authority: [recordId(0)],
        actionClass: kind === "action" ? "green" : null,
        signature: null,
        keyId: "k1",
        verdicts: [{ verdict: "verified" }],
        pendingOn: [],
      };
    });
  const once = async (edges: boolean): Promise<number> => {
    const client = await pool.connect();
    try {
      const data = rows();
      await client.query("BEGIN");
      const t = performance.now();
      await insertBatch(client, "default", [], data);
      if (edges) await insertEdges(client, "default", data);
      const ms = performance.now() - t;
      await client.query("ROLLBACK");
      return ms;
    } finally {
      client.release();
    }
  };
  const base: number[] = [];
  const withEdges: number[] = [];
  for (let i = 0; i < 3; i++) await once(false);
  for (let i = 0; i < 15; i++) {
    base.push(await once(false));
    if (!withGin) withEdges.push(await once(true));
  }
  return withGin
    ? { batch, baseMs: Number.NaN, edgesMs: Number.NaN, ginMs: percentile(base, 0.5) }
    : { batch, baseMs: percentile(base, 0.5), edgesMs: percentile(withEdges, 0.5), ginMs: Number.NaN };
}

await main();
