// Starts one real PostgreSQL for the whole run, in a child process: the
// server's exit hooks must never run inside the test runner's process.
// Each test file then makes its own database (test/helpers/database.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

let child: ChildProcess | undefined;
let dataDir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.FIREBREAK_TEST_DATABASE_URL) {
    project.provide("adminDatabaseUrl", process.env.FIREBREAK_TEST_DATABASE_URL);
    return async () => {};
  }
  dataDir = mkdtempSync(path.join(tmpdir(), "fb-test-"));
  child = spawn(process.execPath, ["--import", "tsx", "scripts/db.ts"], {
    env: { ...process.env, FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child!.once("exit", (code) => reject(new Error(`test PostgreSQL exited early (code ${code})`)));
  });
  project.provide("adminDatabaseUrl", url);
  return async () => {
    await new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
