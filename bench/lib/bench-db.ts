// A throwaway embedded PostgreSQL for one benchmark run, in a child process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnReady } from "../../lib/process/spawn-ready.ts";

/** `pid` is the database child's (its PostgreSQL processes descend from it); absent for an external DATABASE_URL. */
export async function startBenchDatabase(): Promise<{ url: string; pid?: number; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dataDir = mkdtempSync(path.join(tmpdir(), "fb-bench-"));
  const db = await spawnReady("scripts/db.ts", { env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" }, keepStdin: true });
  return {
    url: db.value,
    pid: db.child.pid,
    async stop() {
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
