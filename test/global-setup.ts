// Starts one real PostgreSQL for the whole run, in a child process: the
// server's exit hooks must never run inside the test runner's process.
// Each test file then makes its own database (test/helpers/database.ts).
import { spawnReady, type ReadyChild } from "../lib/process/spawn-ready.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

let db: ReadyChild | undefined;
let dataDir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.FIREBREAK_TEST_DATABASE_URL) {
    project.provide("adminDatabaseUrl", process.env.FIREBREAK_TEST_DATABASE_URL);
    return async () => {};
  }
  dataDir = mkdtempSync(path.join(tmpdir(), "fb-test-"));
  db = await spawnReady("scripts/db.ts", { env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" }, keepStdin: true });
  const url = db.value;
  project.provide("adminDatabaseUrl", url);
  return async () => {
    await db?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
