import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface AdminPassword {
  password: string;
  /** "env" when FIREBREAK_ADMIN_PASSWORD was set, "file" when read back, "generated" on a first start. */
  source: "env" | "file" | "generated";
  file?: string;
}

/**
 * The first admin user's password: FIREBREAK_ADMIN_PASSWORD when set;
 * otherwise the one kept in the data folder, generated (a 24-character
 * random string) on the first start and readable by its owner only.
 */
export function ensureAdminPassword(dataDir: string, fromEnv: string | undefined): AdminPassword {
  if (fromEnv && fromEnv !== "") {
    if (fromEnv.length < 12) throw new Error("FIREBREAK_ADMIN_PASSWORD must be at least 12 characters long.");
    return { password: fromEnv, source: "env" };
  }
  const file = path.join(dataDir, "admin-password");
  if (existsSync(file)) {
    const password = readFileSync(file, "utf8").trim();
    if (password.length >= 12) return { password, source: "file", file };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, source: "generated", file };
}
