// Several processes starting together on one fresh data folder (three
// collectors at boot) must agree on the instance key and the admin token:
// one of them creates each file, the others read it back.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeOnce } from "@/lib/config/write-once.ts";

const SCRIPT = `
import { ensureInstanceKeySeed } from "./lib/config/instance-key.ts";
import { ensureAdminToken } from "./lib/config/admin-token.ts";
const dir = process.env.TEST_DATA_DIR;
console.log(JSON.stringify({ seed: ensureInstanceKeySeed(dir, undefined), token: ensureAdminToken(dir, undefined).token }));
`;

function run(dir: string): Promise<{ seed: string; token: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], { env: { ...process.env, TEST_DATA_DIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as { seed: string; token: string }) : reject(new Error(err))));
  });
}

describe("secrets created once per data folder", () => {
  it("processes starting at the same moment all read one instance key and one admin token", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "fb-write-once-")), "data");
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => run(dir)));
      expect(new Set(results.map((r) => r.seed)).size).toBe(1);
      expect(new Set(results.map((r) => r.token)).size).toBe(1);
      expect(results[0]!.token).toMatch(/^fbk_/);
      // No temporary files left behind.
      expect(readdirSync(dir).sort()).toEqual(["admin-token", "instance-key"]);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }, 60_000);

  it("keeps the first content: a second writer reads it back", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fb-write-once-"));
    try {
      const file = path.join(dir, "secret");
      expect(writeOnce(file, "first\n")).toEqual({ content: "first\n", created: true });
      expect(writeOnce(file, "second\n")).toEqual({ content: "first\n", created: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
