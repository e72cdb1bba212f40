// Child processes of the e2e run: the embedded PostgreSQL, `next build`,
// `next start`. Each is started by us and stopped by its own id.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { exited, spawnReady } from "../../lib/process/spawn-ready.ts";
import { staleBuildReason } from "../../lib/process/next-build.ts";
import { generateKeyPair } from "../../lib/protocol/keys.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

export interface Child {
  proc: ChildProcess;
  /** Recent output, for the failure report. */
  output: () => string;
  stop: () => Promise<void>;
}

function keepTail(proc: ChildProcess, limit = 20_000): () => string {
  let buf = "";
  const add = (c: Buffer): void => {
    buf = (buf + c.toString()).slice(-limit);
  };
  proc.stdout?.on("data", add);
  proc.stderr?.on("data", add);
  return () => buf;
}


/** SIGTERM, then SIGKILL after `graceMs`; `group` signals the process group the child leads. */
async function terminate(proc: ChildProcess, group: boolean, graceMs = 10_000): Promise<void> {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (group) process.kill(-proc.pid!, sig);
      else proc.kill(sig);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited(proc);
  clearTimeout(timer);
}

/** scripts/db.ts in a child: stdin stays open (its end stops the server if we die). */
export async function startDatabase(dataDir: string): Promise<Child & { url: string }> {
  const db = await spawnReady("scripts/db.ts", { cwd: ROOT, env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" }, keepStdin: true });
  return { proc: db.child, url: db.value, output: db.output, stop: () => terminate(db.child, false, 20_000) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Why a build is needed, or null when .next is current. CI always builds. */
export function buildReason(): string | null {
  if (process.env.CI === "true" || process.env.CI === "1") return "CI";
  if (process.env.FIREBREAK_E2E_REBUILD === "1") return "FIREBREAK_E2E_REBUILD=1";
  return staleBuildReason(ROOT);
}

export function build(): void {
  const r = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal}); see the output above`);
}

/** `next start` in its own process group, so its workers stop with it. */
/** One instance key for the e2e run: reports and approvals it signs verify against it. */
export const E2E_INSTANCE_SEED = generateKeyPair().privateKey;

export async function startNext(port: number, env: Record<string, string>): Promise<Child & { baseUrl: string }> {
  const proc = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { FIREBREAK_INSTANCE_KEY: E2E_INSTANCE_SEED, ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = keepTail(proc);
  const child = { proc, output, stop: () => terminate(proc, true) };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`next start exited (code ${proc.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
      if (res.ok) return { ...child, baseUrl };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await child.stop();
  throw new Error(`next start did not answer within 60 s:\n${output()}`);
}
