// A small disk for PostgreSQL to fill: a tmpfs of a few MiB mounted inside
// the cluster's data folder, holding a tablespace and a database created in
// it. Only that database's files fill up; WAL stays on the main disk, as a
// production layout with a separate data volume has it, so a full disk gives
// clean 53100 errors rather than a WAL PANIC. Mounting needs root.
import { execFileSync } from "node:child_process";
import { chownSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { embeddedPostgresOsUser } from "../../lib/db/embedded-server.ts";

export interface SmallDisk {
  dir: string;
  /** Writes a file until the disk is full; returns a function that deletes it. */
  fill(): () => void;
  unmount(): void;
}

export function mountSmallDisk(dir: string, sizeMiB: number): SmallDisk {
  if (process.getuid?.() !== 0) {
    throw new Error(`The disk-full check mounts a ${sizeMiB} MiB tmpfs and needs root (CI runs as root). Run it as root: it cannot test ENOSPC handling otherwise, and it does not pass silently.`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m,mode=0700`, "tmpfs", dir], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`Could not mount a tmpfs on ${dir} (${(err as Error).message.trim()}). The disk-full check needs mount permission (root, outside a restricted container).`);
  }
  const owner = embeddedPostgresOsUser();
  mkdirSync(path.join(dir, "ts"), { mode: 0o700 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(path.join(dir, "ts"), owner.uid, owner.gid);
  }
  return {
    dir,
    fill() {
      const file = path.join(dir, "filler");
      const fd = openSync(file, "w");
      const chunk = Buffer.alloc(256 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    },
    unmount() {
      execFileSync("umount", ["-l", dir]);
    },
  };
}

/** Creates `database` in a tablespace on the small disk (as the cluster's superuser). */
export async function createDatabaseOn(disk: SmallDisk, adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE TABLESPACE fb_small LOCATION '${path.join(disk.dir, "ts")}'`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)} TABLESPACE fb_small`);
  } finally {
    await admin.end();
  }
}

// The ingest tables' leaf relations: amcheck reads pages, and a partitioned
// table (records, spans) has none of its own, only its partitions.
const LEAVES = `WITH leaves AS (
  SELECT p.relid FROM unnest(ARRAY['records', 'spans', 'nonces', 'record_edges']::regclass[]) AS t(rel), LATERAL pg_partition_tree(t.rel) p WHERE p.isleaf)`;

/** amcheck over the ingest tables: heap pages and every btree index (with every heap tuple looked up). Returns the problems found. */
export async function checkIntegrity(url: string): Promise<{ problems: string[]; indexesChecked: number; records: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("CREATE EXTENSION IF NOT EXISTS amcheck");
    const heap = await c.query<{ rel: string; msg: string }>(
      `${LEAVES} SELECT l.relid::regclass::text AS rel, v.msg FROM leaves l, LATERAL verify_heapam(l.relid) v`,
    );
    const problems = heap.rows.map((r) => `${r.rel}: ${r.msg}`);
    const indexes = await c.query<{ relname: string }>(
      `${LEAVES} SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE am.amname = 'btree' AND c.relkind = 'i' AND i.indrelid IN (SELECT relid FROM leaves)`,
    );
    // A full read of every column of every row: a torn page fails here if amcheck missed it.
    const full = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM (SELECT r.*, length(r::text) FROM records r) x");
    return { problems, indexesChecked: indexes.rows.length, records: full.rows[0]!.n };
  } catch (err) {
    return { problems: [(err as Error).message], indexesChecked: 0, records: 0 };
  } finally {
    await c.end();
  }
}
