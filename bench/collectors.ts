// npm run bench:collectors -- [--records N] [--batch B] [--collectors K]
//
// Aggregate ingest throughput of 1 collector and of K collectors (default 3)
// behind the round-robin front, sharing one PostgreSQL, each as a ratio
// against the machine's raw Ed25519 verify capacity measured in the same run
// (bench/lib/raw-verify.ts, as bench:ingest). Collectors run with
// FIREBREAK_ENGINE=off and one `npm run engine` beside them, the split
// deployment docs/deploy.md describes. Where the CPU went in each phase
// (collectors, PostgreSQL, the load generator and front) is read from /proc,
// and an in-process profile splits a collector's work into decoding and
// verifying.
import { availableParallelism } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { spawnReady, type ReadyChild } from "../lib/process/spawn-ready.ts";
import { startRoundRobinFront } from "../lib/process/round-robin-front.ts";
import { decodeTraceRequest } from "../lib/otlp/decode.ts";
import { decodeBatch } from "../lib/collector/decode-batch.ts";
import { createPrisma } from "../lib/db/prisma.ts";
import { loadRegistrySnapshot } from "../lib/registry/service.ts";
import type { RegistrySnapshot } from "../lib/registry/types.ts";
import { prepareSignedRun } from "./lib/signed-run.ts";
import { saturate } from "./lib/load.ts";
import { treeCpuSeconds } from "./lib/proc-cpu.ts";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "30000" },
    batch: { type: "string", default: "500" },
    collectors: { type: "string", default: "3" },
    out: { type: "string", default: "bench-output/collectors.json" },
  },
});
const TOKEN = "bench-collectors-key-0123456789";
const cores = availableParallelism();

interface Phase {
  collectors: number;
  recordsPerSec: number;
  ratio: number;
  failed: number;
  seconds: number;
  cpuSeconds: { collectors: number; postgres: number | null; engine: number; loadAndFront: number };
}

async function main(): Promise<void> {
  const batch = Number(args.batch);
  const many = Number(args.collectors);
  const { load, raw, database, bodies } = await prepareSignedRun({ records: Number(args.records), batch });
  const half = Math.floor(bodies.length / 2);

  const prisma = createPrisma(database.url);
  const snapshot = await loadRegistrySnapshot(prisma, "default", { registrars: new Map(), allowUnattested: true });
  await prisma.$disconnect();
  const profile = profileDecode(bodies.slice(0, 4).map((b) => b.body), snapshot);
  console.log(`one collector's work per record, in process: decode ${profile.decodeUs.toFixed(0)} us, decode + verify + judge ${profile.fullUs.toFixed(0)} us`);

  const engine = await spawnReady("scripts/engine.ts", { env: { DATABASE_URL: database.url } });
  const started: ReadyChild[] = [];
  const phases: Phase[] = [];
  try {
    for (const [n, slice] of [
      [1, bodies.slice(0, half)],
      [many, bodies.slice(half)],
    ] as const) {
      while (started.length < n) started.push(await startCollector(database.url));
      const front = await startRoundRobinFront(started.map((c) => `http://127.0.0.1:${c.value}`));
      const before = cpu(started, database.pid, engine);
      const sat = await saturate(`${front.url}/v1/traces`, TOKEN, slice, 2 * cores + 2 * n);
      const after = cpu(started, database.pid, engine);
      await front.close();
      const rate = sat.records / sat.seconds;
      const phase: Phase = {
        collectors: n,
        recordsPerSec: Math.round(rate),
        ratio: rate / raw,
        failed: sat.failed,
        seconds: sat.seconds,
        cpuSeconds: {
          collectors: after.collectors - before.collectors,
          postgres: after.postgres === null || before.postgres === null ? null : after.postgres - before.postgres,
          engine: after.engine - before.engine,
          loadAndFront: after.self - before.self,
        },
      };
      phases.push(phase);
      const c = phase.cpuSeconds;
      console.log(
        `${n} collector(s): ${phase.recordsPerSec} records/s, ${phase.ratio.toFixed(2)}x raw verify (${sat.records} records in ${sat.seconds.toFixed(1)} s, ${sat.failed} refused and not retried); ` +
          `CPU s: collectors ${c.collectors.toFixed(1)}, PostgreSQL ${c.postgres?.toFixed(1) ?? "n/a"}, engine ${c.engine.toFixed(1)}, load generator + front ${c.loadAndFront.toFixed(1)}`,
      );
    }
  } finally {
    await Promise.all(started.map((c) => c.stop(5_000)));
    await engine.stop(5_000);
    await database.stop();
  }
  const result = { date: new Date().toISOString(), cores, node: process.version, loadAverage: load, rawVerifyPerSec: Math.round(raw), batch, profileUsPerRecord: profile, phases };
  mkdirSync("bench-output", { recursive: true });
  writeFileSync(args.out, JSON.stringify(result, null, 2));
  console.log(`${many} vs 1 collector(s): ${(phases[1]!.recordsPerSec / phases[0]!.recordsPerSec).toFixed(2)}x; written to ${args.out}`);
}

async function startCollector(databaseUrl: string): Promise<ReadyChild> {
  const c = await spawnReady("scripts/collector.ts", {
    env: {
      DATABASE_URL: databaseUrl,
      FIREBREAK_TOKEN: TOKEN,
      FIREBREAK_COLLECTOR_PORT: "0",
      FIREBREAK_COLLECTOR_HOST: "127.0.0.1",
      FIREBREAK_ALLOW_UNATTESTED: "true",
      FIREBREAK_ENGINE: "off",
      FIREBREAK_WEBHOOKS: "off",
    },
  });
  c.child.stderr?.pipe(process.stderr);
  return c;
}

function cpu(collectors: ReadyChild[], dbPid: number | undefined, engine: ReadyChild) {
  const usage = process.cpuUsage();
  return {
    collectors: collectors.reduce((sum, c) => sum + treeCpuSeconds(c.child.pid!), 0),
    postgres: dbPid === undefined ? null : treeCpuSeconds(dbPid),
    engine: treeCpuSeconds(engine.child.pid!),
    self: (usage.user + usage.system) / 1e6,
  };
}

/** Microseconds per record on one thread: decoding alone, and the whole worker job (decode, verify, judge). */
function profileDecode(bodies: Uint8Array[], snapshot: RegistrySnapshot): { decodeUs: number; fullUs: number } {
  let records = 0;
  for (const b of bodies) records += decodeTraceRequest(b, "protobuf").spans.length;
  const time = (fn: () => void): number => {
    const t = performance.now();
    for (let i = 0; i < 3; i++) fn();
    return ((performance.now() - t) * 1000) / (3 * records);
  };
  const decodeUs = time(() => bodies.forEach((b) => decodeTraceRequest(b, "protobuf")));
  const fullUs = time(() => bodies.forEach((b) => decodeBatch({ project: "default", body: b, format: "protobuf", receivedAt: Date.now(), skewMs: 300_000 }, snapshot)));
  return { decodeUs, fullUs };
}

await main();
