// What every ingest benchmark does before it times anything: say what the
// machine is, measure its raw Ed25519 verify capacity on every core, start a
// throwaway database with a registered fleet, and sign the records to send.
import { availableParallelism, loadavg } from "node:os";
import { rawVerifyCapacity } from "./raw-verify.ts";
import { generateBodies, makeFleet } from "./signed-bodies.ts";
import { registerFleet } from "./load.ts";
import { startBenchDatabase, type BenchDatabase } from "./bench-db.ts";

export interface SignedRun {
  cores: number;
  /** The load average when the run started, as printed: a loaded machine's figures say so. */
  load: string;
  /** Verifies per second, all cores. */
  raw: number;
  database: BenchDatabase;
  bodies: Awaited<ReturnType<typeof generateBodies>>;
}

export async function prepareSignedRun(opts: { records: number; batch: number; statements?: boolean }): Promise<SignedRun> {
  const cores = availableParallelism();
  const load = loadavg().map((x) => x.toFixed(2)).join(", ");
  console.log(`machine: ${cores} cores, node ${process.version}, load average ${load}`);
  const raw = await rawVerifyCapacity(cores, 3_000);
  console.log(`raw Ed25519 verify capacity (all ${cores} cores, cached keys): ${Math.round(raw)} verifies/s`);
  const database = await startBenchDatabase({ statements: opts.statements });
  const fleet = makeFleet(50);
  await registerFleet(database.url, fleet.registry);
  console.log(`signing ${opts.records} records in batches of ${opts.batch} (not timed)`);
  const bodies = await generateBodies(fleet, opts.records, opts.batch, cores);
  return { cores, load, raw, database, bodies };
}
