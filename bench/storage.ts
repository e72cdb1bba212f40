// npm run bench:storage -- [--sizes 1000000,10000000] [--rounds 3] [--ingest-batches 40]
//
// Storage that grows: at each size, a generated provenance graph (the
// lineage bench's generator, made inside PostgreSQL) spread over 30 days in
// the week partitions the partition maintainer makes, then
//  - ingest through the product's SQL path (insertBatch + insertEdges, spans
//    included, 500 records per committed transaction) into this week's partition;
//  - lineage origin (upstream of a workflow's last record) and blast radius
//    (downstream of an early record) p50/p95 on the same shapes at every size;
//  - one retention pass that drops the oldest week whole (and thins the next
//    by one bounded batch).
// Prints each figure at each size and its ratio to the smallest size against
// the goal (within 1.5x); writes bench-output/storage.json.
import { availableParallelism, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { elapsedLog, stat, type Stat } from "./lib/stats.ts";
import { DEFAULT_SPEC, generateGraph, globalIndex, recordId, totalRecords, type GraphSpec } from "./lib/provenance-graph.ts";
import { insertBatch, withTransaction, type RecordRow, type SpanRow } from "../lib/db/ingest-store.ts";
import { insertEdges, listCompromiseMarks } from "../lib/db/lineage-store.ts";
import { PlannedIdsAdjacency } from "./lib/planned-ids-adjacency.ts";
import { blastRadiusOf } from "../lib/lineage/answers.ts";
import { indexCompromise } from "../lib/lineage/suspicion.ts";
import { applyRetention, ensurePartitions, listPartitions, sweepEdges } from "../lib/db/partitions.ts";
import { traceBlastRadius, traceOrigin } from "../lib/lineage/lineage-queries.ts";
import { DAY_MS } from "../lib/storage/partition-plan.ts";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    rounds: { type: "string", default: "3" },
    "ingest-batches": { type: "string", default: "40" },
    out: { type: "string", default: "bench-output/storage.json" },
  },
});

const GOAL_RATIO = 1.5;
const RETENTION_DAYS = 30;
const BATCH = 500;
const TARGETS = 20;
const SWEEP_BATCH = 5_000;
const started = performance.now();
const log = elapsedLog(started);


interface SizeResult {
  records: number;
  edges: number;
  partitions: number;
  generateSeconds: number;
  /** Records per second through insertBatch + insertEdges, and each 500-record transaction. */
  ingestPerSecond: number;
  ingestBatchMs: Stat;
  origin: Stat;
  originUpstream: number;
  blast: Stat;
  /** The blast radius read as before ADR 0033, alternated target by target with today's (`blastAlternated`). */
  blastPlannedIds: Stat;
  blastAlternated: Stat;
  blastDescendants: number;
  retentionDropMs: number;
  edgeSweepMs: number;
  loadAverage: { start: number; end: number };
}

async function main(): Promise<void> {
  const sizes = args.sizes.split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
  if (sizes.length === 0) throw new Error("--sizes needs record counts, e.g. --sizes 1000000,10000000");
  const rounds = Math.max(1, Number(args.rounds));
  log(`machine: ${availableParallelism()} cores, node ${process.version}, load average ${loadavg()[0]!.toFixed(2)}`);
  const database = await startBenchDatabase();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void database.stop().finally(() => process.exit(130)));
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on("error", () => {});
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      results.push(await runSize(pool, size, rounds));
      // After every size: a run stopped during the next one keeps what it measured.
      report(results);
    }
  } finally {
    await pool.end();
    await database.stop();
  }
}

/** The lineage bench's graph scaled to `size` records, its workflows spread over the retention window. */
function specFor(size: number, t0: number): GraphSpec {
  const scale = size / totalRecords(DEFAULT_SPEC);
  const spec: GraphSpec = {
    ...DEFAULT_SPEC,
    bigWorkflows: Math.max(TARGETS, Math.round(DEFAULT_SPEC.bigWorkflows * scale)),
    smallWorkflows: Math.round(DEFAULT_SPEC.smallWorkflows * scale),
    t0,
  };
  const workflows = spec.bigWorkflows + spec.smallWorkflows;
  // The last workflow starts a day before the window ends: every day holds data, none past today.
  spec.spacingS = ((RETENTION_DAYS - 1) * 86_400) / workflows;
  return spec;
}

async function runSize(pool: pg.Pool, size: number, rounds: number): Promise<SizeResult> {
  const loadStart = loadavg()[0]!;
  // "Today" is the last day of a full retention window; the data starts 30 days back.
  const now = Date.UTC(2026, 11, 6, 12);
  const t0 = now - RETENTION_DAYS * DAY_MS;
  const spec = specFor(size, t0);
  log(`== ${totalRecords(spec).toLocaleString("en")} records over ${RETENTION_DAYS} days (load average ${loadStart.toFixed(1)})`);
  await pool.query(`TRUNCATE records, spans, record_edges, retention_edge_sweep`);
  // The steady state: a partition for every retained week and the week ahead, as the maintainer leaves it.
  for (let d = RETENTION_DAYS; d >= 0; d--) await ensurePartitions(pool, { now: now - d * DAY_MS, ahead: 1 });
  const partitions = (await listPartitions(pool, "records")).length;
  log(`${partitions} week partitions per table`);
  const genStart = performance.now();
  const gen = await generateGraph(pool, spec, log);
  const generateSeconds = (performance.now() - genStart) / 1000;
  log(`generated in ${generateSeconds.toFixed(0)} s: ${gen.edgeCount.toLocaleString("en")} edges`);
  await pool.query(`VACUUM ANALYZE spans`);

  const ingest = await measureIngest(pool, spec, size, now, Number(args["ingest-batches"]));
  log(`ingest: ${ingest.perSecond.toFixed(0)} records/s, batch of ${BATCH} p50 ${ingest.batch.p50.toFixed(1)} ms, p95 ${ingest.batch.p95.toFixed(1)} ms`);

  // The same shapes at every size: the first TARGETS big workflows.
  const originTargets = Array.from({ length: TARGETS }, (_, w) => recordId(globalIndex(spec, w, 2_000 + w * 7)));
  const blastTargets = Array.from({ length: TARGETS / 2 }, (_, w) => recordId(globalIndex(spec, w, 2 + (w % 3))));
  const originUpstream = (await traceOrigin(pool, "default", originTargets[0]!)).visited;
  const blastDescendants = (await traceBlastRadius(pool, "default", blastTargets[0]!)).descendants.length;
  const origin = await measure("origin", originTargets, (id) => traceOrigin(pool, "default", id), rounds);
  const blast = await measure("blast radius", blastTargets, (id) => traceBlastRadius(pool, "default", id), Math.max(1, rounds - 1));
  const plannedIds = async (id: string) => blastRadiusOf(new PlannedIdsAdjacency(pool, indexCompromise(await listCompromiseMarks(pool, "default")), { project: "default" }), id);
  const alternated = await measureAlternated(blastTargets, (id) => traceBlastRadius(pool, "default", id), plannedIds, Math.max(1, rounds - 1));

  // Retention three days later (Wednesday): the oldest week goes whole, the
  // one straddling the cut-off loses one batch of rows, then the edges of both.
  let t = performance.now();
  const pass = await applyRetention(pool, { now: now + 3 * DAY_MS, defaultDays: RETENTION_DAYS, maxBatches: 1 });
  const retentionDropMs = performance.now() - t;
  // One sweep batch, timed: the maintainer runs them a few per pass in the background.
  const queued = Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM retention_edge_sweep`)).rows[0]!.n);
  t = performance.now();
  const swept = await sweepEdges(pool, { batchSize: SWEEP_BATCH, maxBatches: 1 });
  const edgeSweepMs = performance.now() - t;
  log(
    `retention: dropped ${pass.dropped.join(", ") || "nothing"} in ${retentionDropMs.toFixed(0)} ms; ${queued.toLocaleString("en")} removed records queued for the edge sweep, ` +
      `one batch of ${SWEEP_BATCH.toLocaleString("en")} swept ${swept.toLocaleString("en")} edges in ${edgeSweepMs.toFixed(0)} ms`,
  );
  return {
    records: totalRecords(spec),
    edges: gen.edgeCount,
    partitions,
    generateSeconds,
    ingestPerSecond: ingest.perSecond,
    ingestBatchMs: ingest.batch,
    origin,
    originUpstream,
    blast,
    blastPlannedIds: alternated.b,
    blastAlternated: alternated.a,
    blastDescendants,
    retentionDropMs,
    edgeSweepMs,
    loadAverage: { start: loadStart, end: loadavg()[0]! },
  };
}

async function measure(name: string, targets: string[], fn: (id: string) => Promise<unknown>, rounds: number): Promise<Stat> {
  for (const id of targets.slice(0, 3)) await fn(id); // warm-up
  const xs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const id of targets) {
      const t = performance.now();
      await fn(id);
      xs.push(performance.now() - t);
    }
  }
  const s = stat(xs);
  log(`${name}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`);
  return s;
}

/** Two ways to the same answer, alternated target by target (each first every other round), so both see the same machine. */
async function measureAlternated(targets: string[], a: (id: string) => Promise<unknown>, b: (id: string) => Promise<unknown>, rounds: number): Promise<{ a: Stat; b: Stat }> {
  for (const id of targets.slice(0, 3)) {
    if (JSON.stringify(await a(id)) !== JSON.stringify(await b(id))) throw new Error(`the two blast radius reads disagree at ${id}`);
  }
  const xa: number[] = [];
  const xb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const id of targets) {
      for (const which of r % 2 === 0 ? ["b", "a"] : ["a", "b"]) {
        const t = performance.now();
        await (which === "a" ? a(id) : b(id));
        (which === "a" ? xa : xb).push(performance.now() - t);
      }
    }
  }
  const out = { a: stat(xa), b: stat(xb) };
  log(`blast radius, alternated: today p50 ${out.a.p50.toFixed(1)} / p95 ${out.a.p95.toFixed(1)} ms; before ADR 0033 p50 ${out.b.p50.toFixed(1)} / p95 ${out.b.p95.toFixed(1)} ms`);
  return out;
}

/**
 * Committed batches of new records deriving from stored ones, with their
 * spans, timed through the collector's own SQL: records land in this week's
 * partition, each checked against the unique key of every earlier copy.
 */
async function measureIngest(pool: pg.Pool, spec: GraphSpec, size: number, now: number, batches: number): Promise<{ perSecond: number; batch: Stat }> {
  const n = totalRecords(spec);
  let seq = 0;
  const kinds = ["message", "message", "state.write", "state.read", "action"] as const;
  const make = (): { records: RecordRow[]; spans: SpanRow[] } => {
    const records = Array.from({ length: BATCH }, (): RecordRow => {
      seq++;
      const kind = kinds[seq % kinds.length]!;
      const ts = now - 3_600_000 + seq;
      return {
        recordId: `ingest-${size}-${seq}`,
        traceId: (size * 1000 + seq).toString(16).padStart(32, "f"),
        spanId: seq.toString(16).padStart(16, "f"),
        contentHash: seq.toString(16).padStart(64, "f"),
        kind,
        agent: `agent-${seq % 50}`,
        receivers: kind === "message" ? [`agent-${(seq + 1) % 50}`] : [],
        intent: kind.startsWith("state") ? `key/${seq % 1000}/1` : "intent.1",
        protocol: "a2a/0.3",
        ts: new Date(ts).toISOString(),
        nonce: null,
        payload: null,
        parents: [recordId((seq * 7919) % n)],
        authority: [recordId(0)],
        actionClass: kind === "action" ? "green" : null,
        signature: null,
        keyId: "k1",
        verdicts: [{ verdict: "verified" }],
        pendingOn: [],
      };
    });
    const spans = records.map((r): SpanRow => {
      const ns = (BigInt(Date.parse(r.ts)) * 1_000_000n).toString();
      return { traceId: r.traceId, spanId: r.spanId, parentSpanId: null, name: r.kind, spanKind: 1, startNs: ns, endNs: ns, serviceName: r.agent, attributes: { "firebreak.kind": r.kind }, statusCode: 0, contentHash: r.contentHash };
    });
    return { records, spans };
  };
  const once = async (): Promise<number> => {
    const { records, spans } = make();
    const t = performance.now();
    await withTransaction(pool, async (tx) => {
      await insertBatch(tx, "default", spans, records);
      await insertEdges(tx, "default", records);
    });
    return performance.now() - t;
  };
  for (let i = 0; i < 3; i++) await once(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < batches; i++) xs.push(await once());
  const total = xs.reduce((a, b) => a + b, 0);
  return { perSecond: (batches * BATCH) / (total / 1000), batch: stat(xs) };
}

function report(results: SizeResult[]): void {
  const base = results[0]!;
  const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);
  const verdict = (r: number) => (r <= GOAL_RATIO ? "met" : "MISSED");
  const rows = results.map((r) => ({
    records: r.records,
    ingestSlowdown: ratio(base.ingestPerSecond, r.ingestPerSecond),
    originP50: ratio(r.origin.p50, base.origin.p50),
    originP95: ratio(r.origin.p95, base.origin.p95),
    blastP50: ratio(r.blast.p50, base.blast.p50),
    blastP95: ratio(r.blast.p95, base.blast.p95),
  }));
  console.log("");
  console.log(`storage at ${results.map((r) => r.records.toLocaleString("en")).join(" / ")} records (${availableParallelism()} cores; load average ${results.map((r) => `${r.loadAverage.start.toFixed(1)}->${r.loadAverage.end.toFixed(1)}`).join(", ")})`);
  console.log(`${"".padEnd(34)}${results.map((r) => r.records.toLocaleString("en").padStart(14)).join("")}`);
  const line = (name: string, f: (r: SizeResult) => string) => console.log(`${name.padEnd(34)}${results.map((r) => f(r).padStart(14)).join("")}`);
  line("week partitions per table", (r) => String(r.partitions));
  line("edges", (r) => r.edges.toLocaleString("en"));
  line("ingest, records/s", (r) => r.ingestPerSecond.toFixed(0));
  line("ingest, 500-record tx p50 ms", (r) => r.ingestBatchMs.p50.toFixed(1));
  line("origin p50 / p95 ms", (r) => `${r.origin.p50.toFixed(1)} / ${r.origin.p95.toFixed(1)}`);
  line("blast radius p50 / p95 ms", (r) => `${r.blast.p50.toFixed(0)} / ${r.blast.p95.toFixed(0)}`);
  line("  alternated: today p50 / p95", (r) => `${r.blastAlternated.p50.toFixed(0)} / ${r.blastAlternated.p95.toFixed(0)}`);
  line("  alternated: before ADR 0033", (r) => `${r.blastPlannedIds.p50.toFixed(0)} / ${r.blastPlannedIds.p95.toFixed(0)}`);
  line("blast radius descendants", (r) => String(r.blastDescendants));
  line("retention: drop oldest week, ms", (r) => r.retentionDropMs.toFixed(0));
  line(`edge sweep, ${SWEEP_BATCH} records, ms`, (r) => r.edgeSweepMs.toFixed(0));
  for (const r of rows.slice(1)) {
    console.log(`ratio ${r.records.toLocaleString("en")} / ${base.records.toLocaleString("en")} (goal <= ${GOAL_RATIO}x):`);
    console.log(`  ingest slowdown ${r.ingestSlowdown.toFixed(2)}x: ${verdict(r.ingestSlowdown)}`);
    console.log(`  origin p50 ${r.originP50.toFixed(2)}x: ${verdict(r.originP50)}, p95 ${r.originP95.toFixed(2)}x: ${verdict(r.originP95)}`);
    console.log(`  blast radius p50 ${r.blastP50.toFixed(2)}x: ${verdict(r.blastP50)}, p95 ${r.blastP95.toFixed(2)}x: ${verdict(r.blastP95)}`);
  }
  mkdirSync("bench-output", { recursive: true });
  writeFileSync(
    args.out,
    JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), node: process.version, goalRatio: GOAL_RATIO, retentionDays: RETENTION_DAYS, results, ratios: rows.slice(1), totalSeconds: (performance.now() - started) / 1000 }, null, 2),
  );
  log(`wrote ${args.out}`);
}

await main();
