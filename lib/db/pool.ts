import "server-only";
import type pg from "pg";
import { createPool } from "./ingest-store.ts";
import { databaseUrl } from "./url.ts";

// A raw `pg` pool for the Next server, beside the Prisma client of client.ts:
// the lineage walks and the breaker runner are written against `pg` (one
// frontier per round trip, advisory locks in a transaction). One per
// process, parked on globalThis so dev reloads do not leak pools.
const globalForPool = globalThis as unknown as { firebreakPgPool?: pg.Pool };

export function pool(): pg.Pool {
  globalForPool.firebreakPgPool ??= createPool(databaseUrl(), 5);
  return globalForPool.firebreakPgPool;
}
