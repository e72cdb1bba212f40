// npm run bench:ingest -- [--records N] [--soak SECONDS] [--rate RECORDS_PER_S] [--collector-heap MiB]
//
// Signed records per second end to end (OTLP protobuf request -> verified ->
// committed), beside the machine's raw Ed25519 verification capacity measured
// in the same run on every core. Then acknowledgement latency at 80% of the
// measured rate (or at `--rate`: a longer run's saturation measures a
// higher rate than a short one's, so runs of different lengths compare at
// one rate), and the collector's RSS and heap held over that run.
import { availableParallelism } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { prepareSignedRun } from "./lib/signed-run.ts";
import { saturate, steadyLoad } from "./lib/load.ts";
import { newLedger } from "./lib/ack-ledger.ts";
import { heapHeldMiB, rssOf, startCollectorProcess } from "./lib/collector-process.ts";
import { resetStatements, statementCosts } from "./lib/bench-db.ts";
import { percentile } from "./lib/stats.ts";
import { engineCaughtUp } from "./lib/engine-progress.ts";
import { threadCpuPerRecord, threadCpuSeconds, treeCpuSeconds } from "./lib/proc-cpu.ts";
import { printProfileDir } from "./lib/cpu-profile.ts";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "60000" },
    batch: { type: "string", default: "500" },
    soak: { type: "string", default: "20" },
    out: { type: "string", default: "bench-output/ingest.json" },
    /** on: the collector runs the engine loop too, as it does in production; lag is measured. */
    engine: { type: "string", default: "on" },
    /** A folder: the collector (every thread) writes V8 CPU profiles there, and their self times are printed. */
    profile: { type: "string" },
    /** The collector's V8 old-space limit, MiB: whether its RSS growth is garbage not yet collected or memory it holds. */
    "collector-heap": { type: "string" },
    /** on: pg_stat_statements in the bench's database; the costliest statements of the saturation run are printed. */
    statements: { type: "string", default: "off" },
    /** Records per second after saturation; default 80% of the rate saturation measured. */
    rate: { type: "string" },
  },
});
const TOKEN = "bench-ingest-key-0123456789";
const cores = availableParallelism();

async function main(): Promise<void> {
  const statements = args.statements === "on";
  const batchSize = Number(args.batch);
  const { load, raw, database, bodies } = await prepareSignedRun({ records: Number(args.records), batch: batchSize, statements });

  const engineOn = args.engine !== "off";
  const profileDir = args.profile ? path.resolve(args.profile) : null;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const collector = await startCollectorProcess(database.url, TOKEN, {
    FIREBREAK_ALLOW_UNATTESTED: "true",
    FIREBREAK_ENGINE: engineOn ? "on" : "off",
  }, [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...(args["collector-heap"] ? [`--max-old-space-size=${Number(args["collector-heap"])}`] : [])]);
  collector.child.stderr?.pipe(process.stderr);
  try {
    // Saturation: as fast as the collector acknowledges.
    if (statements) await resetStatements(database.url);
    const cpuBefore = cpuNow(collector.child.pid, database.pid);
    const threadsBefore = threadCpuSeconds(collector.child.pid!);
    const satFrom = Date.now();
    const sat = await saturate(collector.url, TOKEN, bodies.slice(0, Math.ceil(bodies.length * 0.6)), 2 * cores + 2);
    const rate = sat.records / sat.seconds;
    const cpu = cpuPerRecord(cpuBefore, cpuNow(collector.child.pid, database.pid), sat.records, raw, cores);
    const byThread = threadCpuPerRecord(collector.child.pid!, threadsBefore, threadCpuSeconds(collector.child.pid!), sat.records);
    console.log(`end-to-end ingest: ${Math.round(rate)} records/s (${sat.records} records, ${sat.seconds.toFixed(2)} s, ${sat.failed} failed requests)`);
    console.log(
      `CPU per record during saturation: collector ${cpu.collectorUs} µs (of which Ed25519 verify ~${cpu.verifyUs} µs), ` +
        `database ${cpu.databaseUs ?? "n/a (external)"} µs, load generator ${cpu.clientUs} µs; ` +
        `the machine's ceiling at these costs: ${cpu.ceilingPerSec ?? "n/a"} records/s`,
    );
    console.log(`collector CPU per record by thread (µs): ${byThread}`);

    if (statements) {
      console.log("costliest statements during saturation (server time per record stored, µs):");
      for (const s of await statementCosts(database.url, sat.records)) console.log(`  ${String(s.usPerRecord).padStart(5)} µs  ${s.calls} calls  ${s.rows} rows  ${s.query}`);
    }

    let catchUpSeconds: number | null = null;
    let saturationLag: LagFigures | null = null;
    if (engineOn) {
      catchUpSeconds = await engineCaughtUp(database.url);
      console.log(`engine caught up with the saturation run ${catchUpSeconds.toFixed(1)} s after it ended`);
      // The measure at the benchmark's own rate: every record of the saturation run, judged while the collector ran flat out.
      saturationLag = await engineLagSince(collector.url, satFrom, "during saturation");
      console.log(`engine evaluation lag during saturation (${Math.round(rate)} records/s): p50 ${saturationLag.p50} ms, p99 ${saturationLag.p99} ms, max ${saturationLag.max} ms (n=${saturationLag.samples})`);
    }

    // Open-loop load at 80% of that rate; latency of every acknowledgement.
    const rest = bodies.slice(Math.ceil(bodies.length * 0.6));
    const soakSeconds = Number(args.soak);
    const rssStart = rssOf(collector.child.pid);
    const heapStart = await heapHeldMiB(collector.url, TOKEN);
    const steadyFrom = Date.now();
    const ledger = newLedger();
    const steadyRate = args.rate ? Number(args.rate) : 0.8 * rate;
    if (!(steadyRate > 0)) throw new Error(`--rate must be a positive number of records per second, not ${args.rate}`);
    const loadLabel = args.rate ? `${Math.round((steadyRate / rate) * 100)}% load (--rate)` : "80% load";
    // Each body once: sent again it would be a replay storm (every record refused, and judged as one), not load.
    const left = rest.reduce((n, b) => n + b.records, 0);
    if (steadyRate * soakSeconds > left) {
      console.log(`soak cut to ${(left / steadyRate).toFixed(1)} s: ${left} fresh records are left after saturation, ${Math.round(steadyRate)}/s for ${soakSeconds} s needs ${Math.ceil(steadyRate * soakSeconds)} (raise --records to ${Math.ceil((steadyRate * soakSeconds) / 0.4 / 1000) * 1000})`);
    }
    const lat = await steadyLoad(collector.url, TOKEN, rest, steadyRate, soakSeconds, ledger, true);
    const failedSteady = ledger.requests - ledger.acknowledged.length;
    const rssEnd = rssOf(collector.child.pid);
    const heapEnd = await heapHeldMiB(collector.url, TOKEN);
    let engineLag: LagFigures | null = null;
    if (engineOn) {
      await engineCaughtUp(database.url);
      engineLag = await engineLagSince(collector.url, steadyFrom, "since the run began");
      console.log(`engine evaluation lag at ${loadLabel} (stored -> findings and breakers committed): p50 ${engineLag.p50} ms, p99 ${engineLag.p99} ms, max ${engineLag.max} ms (n=${engineLag.samples})`);
    }
    const p50 = percentile(ledger.ackLatencies, 0.5);
    const p99 = percentile(ledger.ackLatencies, 0.99);
    console.log(`at ${loadLabel} (${Math.round(steadyRate)} records/s for ${lat.seconds.toFixed(1)} s): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${failedSteady} failed`);
    console.log(`collector RSS: start ${mb(rssStart)} MiB, end ${mb(rssEnd)} MiB`);
    console.log(`collector heap held after the last full collection (main thread, engine thread): start ${heapStart.main ?? "-"}, ${heapStart.engine ?? "-"} MiB; end ${heapEnd.main ?? "-"}, ${heapEnd.engine ?? "-"} MiB`);
    const verified = await verifiedShare(database.url);
    console.log(`stored records verified: ${(verified * 100).toFixed(2)}%`);

    const result = {
      date: new Date().toISOString(),
      cores,
      node: process.version,
      loadAverage: load,
      rawVerifyPerSec: Math.round(raw),
      ingestPerSec: Math.round(rate),
      ratio: rate / raw,
      p50Ms: p50,
      p99Ms: p99,
      loadPerSec: Math.round(steadyRate),
      soakSeconds: lat.seconds,
      rssStartMiB: mb(rssStart),
      rssEndMiB: mb(rssEnd),
      heapHeldMiB: { start: heapStart, end: heapEnd },
      verifiedShare: verified,
      batchSize,
      cpuPerRecordUs: cpu,
      collectorThreadsUs: byThread,
      engine: engineOn ? { catchUpAfterSaturationSeconds: catchUpSeconds, lagDuringSaturation: saturationLag, lagAt80Percent: engineLag } : "off",
    };
    console.log(`ratio ingest / raw verify: ${result.ratio.toFixed(2)}`);
    mkdirSync("bench-output", { recursive: true });
    writeFileSync(args.out, JSON.stringify(result, null, 2));
  } finally {
    await collector.stop();
    await database.stop();
  }
  if (profileDir) printProfileDir(profileDir, "collector thread");
}


const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

interface CpuMark {
  collector: number;
  database: number | null;
  client: number;
}

function cpuNow(collectorPid: number | undefined, databasePid: number | undefined): CpuMark {
  const own = process.cpuUsage();
  return {
    collector: collectorPid ? treeCpuSeconds(collectorPid) : 0,
    database: databasePid ? treeCpuSeconds(databasePid) : null,
    client: (own.user + own.system) / 1e6,
  };
}

/**
 * Where each record's CPU went, in microseconds: the collector (decode,
 * verify, judge, the batch's SQL), the database (its server processes), and
 * this load generator. Verification alone costs cores / raw capacity; the
 * ceiling is what the machine's cores could ingest at these costs.
 */
function cpuPerRecord(a: CpuMark, b: CpuMark, records: number, raw: number, cores: number) {
  const us = (s: number): number => Math.round((s * 1e6) / records);
  const collectorUs = us(b.collector - a.collector);
  const databaseUs = a.database === null || b.database === null ? null : us(b.database - a.database);
  const clientUs = us(b.client - a.client);
  const total = collectorUs + (databaseUs ?? 0) + clientUs;
  return {
    collectorUs,
    verifyUs: Math.round((cores * 1e6) / raw),
    databaseUs,
    clientUs,
    ceilingPerSec: databaseUs === null || total === 0 ? null : Math.round((cores * 1e6) / total),
  };
}

interface LagFigures {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** The engine's lag over the samples since `since`; prints its pass timings so far (`label`: which run they cover). */
async function engineLagSince(collectorUrl: string, since: number, label: string): Promise<LagFigures> {
  const health = collectorUrl.replace(/\/v1\/traces$/, `/healthz?lagSince=${since}`);
  const res = await fetch(health, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { engine?: { lag: { samples: number; p50: number; p99: number; max: number }; records: number; cpuSeconds?: number | null; timing: { passes: number; readMs: number; judgeMs: number; writeMs: number; passMs: number; maxPassMs: number; findingsMs: number; breakersMs: number; slowest: { ordinal: number; records: number; findings: number; readMs: number; judgeMs: number; writeMs: number; findingsMs: number; breakersMs: number } | null } } };
  if (!body.engine) throw new Error("the collector reported no engine");
  const t = body.engine.timing;
  console.log(
    `engine passes ${label}: ${t.passes}, ${(body.engine.records / Math.max(1, t.passes)).toFixed(0)} records per pass, ` +
      `${(t.passMs / Math.max(1, t.passes)).toFixed(1)} ms per pass (reading ${(t.readMs / Math.max(1, t.passes)).toFixed(1)} ms, judging ${(t.judgeMs / Math.max(1, t.passes)).toFixed(1)} ms, ` +
      `writing ${(t.writeMs / Math.max(1, t.passes)).toFixed(1)} ms: findings ${(t.findingsMs / Math.max(1, t.passes)).toFixed(1)}, breakers ${(t.breakersMs / Math.max(1, t.passes)).toFixed(1)}; ` +
      `the rest, committing, ${((t.passMs - t.readMs - t.judgeMs - t.writeMs) / Math.max(1, t.passes)).toFixed(1)} ms), slowest ${t.maxPassMs.toFixed(0)} ms`,
  );
  const cpu = body.engine.cpuSeconds;
  if (cpu != null) console.log(`  the engine's thread: ${cpu.toFixed(1)} CPU s since it started, ${Math.round((cpu * 1e6) / Math.max(1, body.engine.records))} µs per record judged`);
  const s = t.slowest;
  if (s) console.log(`  slowest: pass ${s.ordinal} of the process, ${s.records} records, ${s.findings} findings (reading ${s.readMs.toFixed(0)} ms, judging ${s.judgeMs.toFixed(0)} ms, writing ${s.writeMs.toFixed(0)} ms: findings ${s.findingsMs.toFixed(0)}, breakers ${s.breakersMs.toFixed(0)})`);
  return body.engine.lag;
}

async function verifiedShare(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ share: number }>("SELECT avg(CASE WHEN verified THEN 1.0 ELSE 0.0 END)::float AS share FROM records");
  await c.end();
  return r.rows[0]?.share ?? 0;
}

await main();
