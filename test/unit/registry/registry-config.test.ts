import { describe, expect, it } from "vitest";
import { registryConfig } from "@/lib/config/registry-config.ts";
import { testKey } from "@/test/fixtures/registry-entries.ts";

const ci = testKey("registrar:ci").publicKey;
const sec = testKey("registrar:sec").publicKey;
const noFile = (file: string): string => {
  throw new Error(`ENOENT: no such file, open '${file}'`);
};

describe("registryConfig", () => {
  it("defaults to no registrars and unattested agents allowed (the demo works out of the box)", () => {
    const config = registryConfig({}, noFile);
    expect(config.allowUnattested).toBe(true);
    expect(config.registrars.size).toBe(0);
  });

  it("reads registrars from FIREBREAK_REGISTRARS", () => {
    const config = registryConfig({ FIREBREAK_REGISTRARS: JSON.stringify({ ci, "did:web:sec.example#k1": sec }), FIREBREAK_ALLOW_UNATTESTED: "false" }, noFile);
    expect([...config.registrars]).toEqual([
      ["ci", ci],
      ["did:web:sec.example#k1", sec],
    ]);
    expect(config.allowUnattested).toBe(false);
  });

  it("reads registrars from FIREBREAK_REGISTRARS_FILE", () => {
    const files: Record<string, string> = { "/etc/firebreak/registrars.json": JSON.stringify({ ci }) };
    const read = (file: string): string => files[file] ?? noFile(file);
    expect(registryConfig({ FIREBREAK_REGISTRARS_FILE: "/etc/firebreak/registrars.json" }, read).registrars.get("ci")).toBe(ci);
    expect(() => registryConfig({ FIREBREAK_REGISTRARS_FILE: "/nope.json" }, read)).toThrow(/^FIREBREAK_REGISTRARS_FILE \(\/nope\.json\) cannot be read: ENOENT/);
  });

  it("treats blank variables as unset and reads true/false in any case", () => {
    expect(registryConfig({ FIREBREAK_REGISTRARS: "  ", FIREBREAK_REGISTRARS_FILE: "", FIREBREAK_ALLOW_UNATTESTED: " TRUE " }, noFile)).toMatchObject({ allowUnattested: true });
  });

  it("says what is wrong with each bad setting", () => {
    expect(() => registryConfig({ FIREBREAK_ALLOW_UNATTESTED: "yes" }, noFile)).toThrow('Invalid registry configuration: FIREBREAK_ALLOW_UNATTESTED: must be "true" or "false"');
    expect(() => registryConfig({ FIREBREAK_REGISTRARS: "{ci:1}" }, noFile)).toThrow(/^FIREBREAK_REGISTRARS is not valid JSON: /);
    expect(() => registryConfig({ FIREBREAK_REGISTRARS: "[]" }, noFile)).toThrow('FIREBREAK_REGISTRARS: must be a JSON object {"<keyId>": "<base64url public key>"}');
    expect(() => registryConfig({ FIREBREAK_REGISTRARS: JSON.stringify({ ci: "c2hvcnQ" }) }, noFile)).toThrow(
      "FIREBREAK_REGISTRARS: ci: must decode to exactly 32 bytes (the raw Ed25519 public key), got 5",
    );
    expect(() => registryConfig({ FIREBREAK_REGISTRARS: JSON.stringify({ "has space": ci }) }, noFile)).toThrow(/key "has space": a key id must be/);
  });

  it("refuses two sources of registrars", () => {
    expect(() => registryConfig({ FIREBREAK_REGISTRARS: "{}", FIREBREAK_REGISTRARS_FILE: "/x.json" }, noFile)).toThrow("Set FIREBREAK_REGISTRARS or FIREBREAK_REGISTRARS_FILE, not both.");
  });

  it("refuses to require attestation when nobody can attest", () => {
    expect(() => registryConfig({ FIREBREAK_ALLOW_UNATTESTED: "false" }, noFile)).toThrow(/needs at least one registrar/);
    expect(() => registryConfig({ FIREBREAK_ALLOW_UNATTESTED: "false", FIREBREAK_REGISTRARS: "{}" }, noFile)).toThrow(/needs at least one registrar/);
  });
});
