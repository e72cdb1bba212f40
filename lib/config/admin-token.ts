import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { writeOnce } from "./write-once.ts";
import path from "node:path";

export interface AdminToken {
  token: string;
  /** "env" when FIREBREAK_TOKEN was set, "file" when read back, "generated" on a first start. */
  source: "env" | "file" | "generated";
  file?: string;
}

/**
 * FIREBREAK_TOKEN when set; otherwise the token kept in the data folder,
 * generated (256 random bits) on the first start and readable by its owner only.
 */
export function ensureAdminToken(dataDir: string, fromEnv: string | undefined): AdminToken {
  if (fromEnv && fromEnv.trim() !== "") {
    if (fromEnv.trim().length < 16) throw new Error("FIREBREAK_TOKEN must be at least 16 characters long.");
    return { token: fromEnv.trim(), source: "env" };
  }
  const file = path.join(dataDir, "admin-token");
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (token.length >= 16) return { token, source: "file", file };
    unlinkSync(file);
  }
  // Processes starting together must all accept the same token.
  const written = writeOnce(file, `fbk_${randomBytes(32).toString("base64url")}\n`);
  return { token: written.content.trim(), source: written.created ? "generated" : "file", file };
}
