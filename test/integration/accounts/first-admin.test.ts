// The launcher's first admin: created once on an empty users table, never
// again, and only once when several launchers start together.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/ingest-store.ts";
import { ensureFirstAdmin } from "@/lib/db/first-admin.ts";
import { userForSignIn } from "@/lib/db/users-store.ts";
import { readAuditEntries } from "@/lib/db/audit-store.ts";
import { verifyPassword } from "@/lib/accounts/password.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

let tdb: TestDatabase;
let pool: ReturnType<typeof createPool>;
beforeAll(async () => {
  tdb = await createTestDatabase();
  pool = createPool(tdb.url, 6);
});
afterAll(async () => {
  await pool.end();
  await tdb.drop();
});

describe("ensureFirstAdmin", () => {
  it("creates exactly one admin when several launchers race on an empty table", async () => {
    const created = await Promise.all([1, 2, 3].map((n) => ensureFirstAdmin(pool, "admin", `first password number ${n}`)));
    expect(created.filter(Boolean)).toHaveLength(1);
    const admin = await userForSignIn(pool, "admin");
    expect(admin).toMatchObject({ name: "admin", role: "admin", disabled: false });
    const which = created.indexOf(true) + 1;
    expect(await verifyPassword(admin!.passwordHash, `first password number ${which}`)).toBe(true);
    const audit = await readAuditEntries(pool);
    expect(audit.filter((e) => e.action === "user.create")).toEqual([expect.objectContaining({ actor: "system", target: "user:admin", detail: { role: "admin", reason: "first start" } })]);
  });

  it("does nothing once any user exists", async () => {
    expect(await ensureFirstAdmin(pool, "someone-else", "another first password")).toBe(false);
    expect(await userForSignIn(pool, "someone-else")).toBeNull();
  });
});
