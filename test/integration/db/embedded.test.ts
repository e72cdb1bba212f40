// The embedded PostgreSQL: data survives restarts, Ctrl-C stops it cleanly,
// and a run killed with SIGKILL (leaving an orphaned server and a lock) is
// recovered by the next start.
import { afterAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { exited, spawnReady } from "../../../lib/process/spawn-ready.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const dataDir = mkdtempSync(path.join(tmpdir(), "fb-embedded-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startDb(): Promise<{ child: ChildProcess; url: string }> {
  const db = await spawnReady("scripts/db.ts", { env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" }, keepStdin: true });
  return { child: db.child, url: db.value };
}

/** Alive and not a zombie (an orphan's reaper may be slow to collect it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps data across a clean stop and start, and leaves no lock behind", async () => {
    const first = await startDb();
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    first.child.kill("SIGINT");
    await exited(first.child);
    expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);

    const second = await startDb();
    expect((await query(second.url, "SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
    second.child.kill("SIGTERM");
    await exited(second.child);
  });

  it("recovers after the launcher was killed with SIGKILL, orphaned server and all", async () => {
    const first = await startDb();
    await query(first.url, "INSERT INTO kept VALUES ('before the kill')");
    const lock = path.join(dataDir, "pg", "postmaster.pid");
    const orphanPid = Number(readFileSync(lock, "utf8").split("\n")[0]);
    first.child.kill("SIGKILL");
    await exited(first.child);
    // The server outlives its launcher: exactly the state a kill -9 leaves.
    expect(running(orphanPid)).toBe(true);

    const second = await startDb();
    const rows = (await query(second.url, "SELECT v FROM kept ORDER BY v")).rows.map((r: { v: string }) => r.v);
    expect(rows).toEqual(["before the kill", "still here"]);
    expect(running(orphanPid)).toBe(false);
    second.child.kill("SIGINT");
    await exited(second.child);
  });

  it("recovers a stale lock whose process is gone", async () => {
    const first = await startDb();
    first.child.kill("SIGINT");
    await exited(first.child);
    const { writeFileSync } = await import("node:fs");
    // A lock naming a process that no longer exists, as after a machine crash.
    writeFileSync(path.join(dataDir, "pg", "postmaster.pid"), "999999\n");
    const second = await startDb();
    expect((await query(second.url, "SELECT count(*)::int AS n FROM kept")).rows[0].n).toBe(2);
    second.child.kill("SIGINT");
    await exited(second.child);
  });

  it("starts after a killed server whose backend still holds its shared memory", async () => {
    const first = await startDb();
    const lock = path.join(dataDir, "pg", "postmaster.pid");
    const postmaster = Number(readFileSync(lock, "utf8").split("\n")[0]);
    const held = new pg.Client({ connectionString: first.url });
    held.on("error", () => {});
    await held.connect();
    const backend = (await held.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    // A backend that has not yet noticed its postmaster died (on a loaded
    // machine this lasts seconds): stopped, it stays attached for as long as we like.
    process.kill(backend, "SIGSTOP");
    process.kill(postmaster, "SIGKILL");
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect(running(backend)).toBe(true);

    const second = await startDb();
    expect((await query(second.url, "SELECT count(*)::int AS n FROM kept")).rows[0].n).toBe(2);
    expect(running(backend)).toBe(false);
    held.connection.stream.destroy();
    second.child.kill("SIGINT");
    await exited(second.child);
  });
});
