import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sign, verify } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ensureInstanceKeySeed, instanceKey, instanceKeyFromSeed } from "../../../lib/config/instance-key.ts";
import { publicKeyFromRaw } from "../../../lib/protocol/keys.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("instance key", () => {
  it("is generated once into the data folder, owner-only, and read back on the next start", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-key-"));
    dirs.push(dir);
    const first = ensureInstanceKeySeed(dir, undefined);
    expect(statSync(path.join(dir, "instance-key")).mode & 0o777).toBe(0o600);
    expect(ensureInstanceKeySeed(dir, undefined)).toBe(first);
    expect(readFileSync(path.join(dir, "instance-key"), "utf8").trim()).toBe(first);
  });

  it("prefers the environment and refuses a malformed seed at start", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-key-"));
    dirs.push(dir);
    const seed = ensureInstanceKeySeed(dir, undefined);
    const other = mkdtempSync(path.join(tmpdir(), "fb-key-"));
    dirs.push(other);
    expect(ensureInstanceKeySeed(other, seed)).toBe(seed);
    expect(() => ensureInstanceKeySeed(other, "not-a-key")).toThrow();
  });

  it("signs with a key whose public half and id verify offline", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-key-"));
    dirs.push(dir);
    const seed = ensureInstanceKeySeed(dir, undefined);
    const key = instanceKey({ FIREBREAK_INSTANCE_KEY: seed });
    expect(key.keyId).toMatch(/^fb-instance-[0-9a-f]{16}$/);
    expect(instanceKeyFromSeed(seed).keyId).toBe(key.keyId);
    const sig = sign(null, Buffer.from("hello"), key.privateKey);
    expect(verify(null, Buffer.from("hello"), publicKeyFromRaw(key.publicKey), sig)).toBe(true);
    expect(() => instanceKey({})).toThrow(/FIREBREAK_INSTANCE_KEY is not set/);
  });
});
