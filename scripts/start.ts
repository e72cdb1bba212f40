// `npm start`: everything Firebreak needs in one command. With no
// DATABASE_URL it runs an embedded PostgreSQL in the data folder; it applies
// migrations, serves the collector (OTLP/HTTP) and the dashboard, and stops
// all of it cleanly on Ctrl-C.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { resolveDataDir } from "../lib/config/data-dir.ts";
import { ensureAdminToken } from "../lib/config/admin-token.ts";
import { ensureAdminPassword } from "../lib/config/admin-password.ts";
import { ensureFirstAdmin } from "../lib/db/first-admin.ts";
import { countUsers } from "../lib/db/users-store.ts";
import { createPool } from "../lib/db/ingest-store.ts";
import { INSTANCE_KEY_ENV, ensureInstanceKeySeed } from "../lib/config/instance-key.ts";
import { startEmbeddedPostgres, type EmbeddedServer } from "../lib/db/embedded-server.ts";
import { migrate } from "../lib/db/migrate.ts";
import type { Collector } from "../lib/collector/server.ts";
import { startCollectorFromEnv } from "../lib/collector/runtime.ts";
import { staleBuildReason } from "../lib/process/next-build.ts";
import { startDemo, type DemoHandle } from "../lib/sim/demo.ts";
import { loadRegistryFileAtStart } from "./registry-at-start.ts";

const NEXT_BIN = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const log = (line: string): void => console.log(`[firebreak] ${line}`);
const dataDir = resolveDataDir(process.env.FIREBREAK_DATA_DIR);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const lockFile = path.join(dataDir, "firebreak.pid");
claimDataDir(lockFile);

let pg: EmbeddedServer | null = null;
let collector: Collector | null = null;
let web: ChildProcess | null = null;
let demo: DemoHandle | null = null;
/** The first start's `next build`, a child we keep: Ctrl-C (or a demo giving up) during the build stops it too instead of orphaning it. */
let build: ChildProcess | null = null;
let stopping = false;

async function main(): Promise<void> {
  const admin = ensureAdminToken(dataDir, process.env.FIREBREAK_TOKEN);
  process.env[INSTANCE_KEY_ENV] = ensureInstanceKeySeed(dataDir, process.env[INSTANCE_KEY_ENV]);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    pg = await startEmbeddedPostgres({ dataDir, log: process.env.FIREBREAK_PG_LOG === "1" ? log : undefined });
    databaseUrl = pg.url;
    log(`embedded PostgreSQL running; data in ${path.join(dataDir, "pg")}`);
  }
  const applied = await migrate(databaseUrl);
  if (applied.applied.length) log(`applied migrations: ${applied.applied.join(", ")}`);
  process.env.DATABASE_URL = databaseUrl;
  await loadRegistryFileAtStart(databaseUrl, process.env.FIREBREAK_REGISTRY_FILE, log);
  const firstAdmin = await createFirstAdmin(databaseUrl);

  collector = await startCollectorFromEnv(databaseUrl, admin.token, log);

  const port = process.env.PORT ?? "3000";
  await ensureBuilt();
  if (stopping) return;
  web = spawn(process.execPath, [NEXT_BIN, "start", "-p", port], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, FIREBREAK_TOKEN: admin.token, NODE_ENV: "production" },
  });
  web.once("exit", (code) => {
    if (!stopping) {
      log(`the dashboard server exited (code ${code}); stopping`);
      void shutdown(1);
    }
  });

  if (process.argv.includes("--demo")) {
    demo = startDemo({
      target: {
        apiBase: `http://localhost:${port}`,
        collector: `http://localhost:${collector.port}/v1/traces`,
        token: admin.token,
        allowUnattested: process.env.FIREBREAK_ALLOW_UNATTESTED !== "false",
      },
      log,
    });
  }
  log(`dashboard:  http://localhost:${port}`);
  log(`collector:  http://localhost:${collector.port}/v1/traces  (OTLP/HTTP, protobuf or JSON)`);
  if (admin.source === "generated") log(`admin token (also the ingest key), shown once; kept in ${admin.file}:\n\n    ${admin.token}\n`);
  else if (admin.source === "file") log(`admin token: in ${admin.file}`);
  else log("admin token: FIREBREAK_TOKEN");
  if (firstAdmin) {
    const where = firstAdmin.file ? `kept in ${firstAdmin.file}` : "from FIREBREAK_ADMIN_PASSWORD";
    log(`created the first user. Sign in at http://localhost:${port}/login as\n\n    user:     ${firstAdmin.name}\n    password: ${firstAdmin.source === "env" ? "(FIREBREAK_ADMIN_PASSWORD)" : firstAdmin.password}\n\n  (shown once; ${where}). Then add your team on the Admin screen.`);
  }
  log("Ctrl-C stops everything.");
}

/** The first start's admin user; null when users exist already. */
async function createFirstAdmin(databaseUrl: string): Promise<{ name: string; password: string; source: string; file?: string } | null> {
  const name = (process.env.FIREBREAK_ADMIN_USER ?? "admin").trim().toLowerCase() || "admin";
  const pool = createPool(databaseUrl, 1);
  try {
    if ((await countUsers(pool)) > 0) return null;
    const secret = ensureAdminPassword(dataDir, process.env.FIREBREAK_ADMIN_PASSWORD);
    const created = await ensureFirstAdmin(pool, name, secret.password);
    return created ? { name, password: secret.password, source: secret.source, file: secret.file } : null;
  } finally {
    await pool.end();
  }
}

async function ensureBuilt(): Promise<void> {
  const reason = process.env.FIREBREAK_REBUILD === "1" ? "FIREBREAK_REBUILD=1" : staleBuildReason(process.cwd());
  if (!reason) return;
  log(`building the dashboard (${reason}; takes a minute or two)`);
  const child = spawn(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit", env: process.env });
  build = child;
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  build = null;
  if (stopping) return;
  if (code !== 0) throw new Error("next build failed; see the output above");
}

/** One Firebreak per data folder. A lock left by a killed run is taken over. */
function claimDataDir(file: string): void {
  if (existsSync(file)) {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      console.error(`Firebreak is already running with the data folder ${dataDir} (pid ${pid}). Stop it first, or set FIREBREAK_DATA_DIR.`);
      process.exit(1);
    }
  }
  writeFileSync(file, String(process.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("stopping");
  await demo?.stop().catch(() => null);
  if (build && build.exitCode === null) {
    const ended = new Promise<void>((resolve) => build?.once("exit", () => resolve()));
    build.kill("SIGTERM");
    await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000))]);
  }
  if (web && web.exitCode === null) {
    const exited = new Promise<void>((resolve) => web?.once("exit", () => resolve()));
    web.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await collector?.close().catch(() => {});
  await pg?.stop();
  rmSync(lockFile, { force: true });
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
main().catch(async (err: unknown) => {
  console.error(`[firebreak] could not start: ${(err as Error).message}`);
  await shutdown(1);
});
