// The first start's admin user, so a fresh install can be signed in to with
// a name and password. Runs in the launcher, once there are no users at all;
// deleting or renaming users later never brings it back.
import type pg from "pg";
import { auditInTransaction } from "../audit/audit-log.ts";
import { hashPassword } from "../accounts/password.ts";
import { withTransaction } from "./ingest-store.ts";

// Several launchers starting on one database must create one admin, not two.
const FIRST_ADMIN_LOCK = 0x4164_6d6e; // "Admn"

/** Creates `name` as admin when the users table is empty; returns whether it did. */
export async function ensureFirstAdmin(pool: pg.Pool, name: string, password: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return withTransaction(pool, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [FIRST_ADMIN_LOCK]);
    const any = await tx.query("SELECT 1 FROM users LIMIT 1");
    if ((any.rowCount ?? 0) > 0) return false;
    await tx.query("INSERT INTO users (name, role, password_hash, created_by) VALUES ($1, 'admin', $2, 'system')", [name, passwordHash]);
    await auditInTransaction(tx, { actor: "system", action: "user.create", target: `user:${name}`, detail: { role: "admin", reason: "first start" } });
    return true;
  });
}
