import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureAdminPassword } from "@/lib/config/admin-password.ts";

describe("ensureAdminPassword", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fb-admin-password-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("generates one on the first start, readable by its owner only, and reads it back after", () => {
    const first = ensureAdminPassword(dir, undefined);
    expect(first.source).toBe("generated");
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const again = ensureAdminPassword(dir, "");
    expect(again).toEqual({ password: first.password, source: "file", file: first.file });
  });

  it("takes FIREBREAK_ADMIN_PASSWORD as given, and refuses one shorter than 12 characters", () => {
    expect(ensureAdminPassword(dir, "  twelve chars plus ")).toEqual({ password: "  twelve chars plus ", source: "env" });
    expect(() => ensureAdminPassword(dir, "short")).toThrow(/at least 12 characters/);
  });

  it("replaces a kept password too short to sign in with", () => {
    writeFileSync(path.join(dir, "admin-password"), "abc\n");
    const p = ensureAdminPassword(dir, undefined);
    expect(p.source).toBe("generated");
    expect(readFileSync(p.file!, "utf8").trim()).toBe(p.password);
  });
});
