import { describe, expect, it } from "vitest";
import { createPublicKey } from "node:crypto";
import type { ZodError } from "zod";
import { FirebreakError } from "@/lib/api/errors.ts";
import { AgentInput, AgentView, ContractInput, RegistryFile, type AgentInputRaw } from "@/lib/registry/schema.ts";
import { formatPath, issueDetails, parseOrBadRequest } from "@/lib/registry/validation.ts";
import { agentEntry, contractInput, testKey } from "@/test/fixtures/registry-entries.ts";

/** The problems zod finds, as "path: message" lines. */
function problems(schema: { safeParse(raw: unknown): { success: true } | { success: false; error: ZodError } }, raw: unknown): string[] {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return [];
  return issueDetails(parsed.error).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
}

const withKey = (key: Record<string, unknown>): AgentInputRaw => agentEntry("a", { keys: [{ keyId: "k1", publicKey: testKey("k1").publicKey, ...key }] as AgentInputRaw["keys"] });

describe("AgentInput", () => {
  it("accepts a minimal entry and fills in the defaults", () => {
    const entry = AgentInput.parse({ id: "a", displayName: "A", kind: "agent", keys: [{ keyId: "k1", publicKey: testKey("k1").publicKey }] });
    expect(entry).toEqual({
      id: "a",
      displayName: "A",
      kind: "agent",
      keys: [{ keyId: "k1", publicKey: testKey("k1").publicKey, notBefore: null, notAfter: null }],
      capabilities: [],
      memory: { read: [], write: [] },
      protocols: {},
      version: null,
      labels: {},
    });
  });

  it("normalizes timestamps to UTC with milliseconds and sorts keys by keyId", () => {
    const entry = AgentInput.parse(
      agentEntry("a", {
        keys: [
          { keyId: "z-new", publicKey: testKey("z").publicKey, notBefore: "2026-06-01T02:00:00+02:00" },
          { keyId: "B-old", publicKey: testKey("b").publicKey, notAfter: "2026-07-01T00:00:00.5Z" },
          { keyId: "a-mid", publicKey: testKey("a").publicKey },
        ],
      }),
    );
    // Code-unit order: upper case sorts before lower case whatever the locale.
    expect(entry.keys.map((k) => k.keyId)).toEqual(["B-old", "a-mid", "z-new"]);
    expect(entry.keys[2]?.notBefore).toBe("2026-06-01T00:00:00.000Z");
    expect(entry.keys[0]?.notAfter).toBe("2026-07-01T00:00:00.500Z");
  });

  it("parses its own output to the same value (the attested form is stable)", () => {
    const once = AgentInput.parse(agentEntry("a", { keys: [{ keyId: "k", publicKey: testKey("k").publicKey, notBefore: "2026-01-01T01:00:00+01:00" }] }));
    expect(AgentInput.parse(once)).toEqual(once);
  });

  it.each([
    ["", "id: an agent id must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -"],
    ["has space", "id: an agent id must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -"],
    ["x".repeat(129), "id: an agent id must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -"],
    ["ünïcode", "id: an agent id must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -"],
  ])("rejects the id %j", (id, message) => {
    expect(problems(AgentInput, { ...withKey({}), id })).toEqual([message]);
  });

  it("accepts ids with every allowed punctuation mark, up to 128 characters", () => {
    expect(problems(AgentInput, { ...withKey({}), id: "did:web:agents.example/pricing_v2-a" })).toEqual([]);
    expect(problems(AgentInput, { ...withKey({}), id: "x".repeat(128) })).toEqual([]);
  });

  it("says a missing field is required", () => {
    const { displayName: _drop, ...rest } = agentEntry("a");
    expect(problems(AgentInput, rest)).toEqual(["displayName: is required"]);
  });

  it("names an unknown field, so a typo is not silently dropped", () => {
    expect(problems(AgentInput, { ...agentEntry("a"), capabilties: [] })).toEqual(['Unrecognized key: "capabilties"']);
  });

  it("lists the allowed kinds", () => {
    expect(problems(AgentInput, agentEntry("a", { kind: "robot" as "agent" }))).toEqual(['kind: must be one of "agent", "gateway", "approver"']);
  });

  describe("keys", () => {
    it("needs at least one", () => {
      expect(problems(AgentInput, agentEntry("a", { keys: [] }))).toEqual(["keys: an agent needs at least one key"]);
    });

    it("refuses a repeated keyId and points at the second", () => {
      const k = { keyId: "k1", publicKey: testKey("k1").publicKey };
      expect(problems(AgentInput, agentEntry("a", { keys: [k, { ...k, publicKey: testKey("k2").publicKey }] }))).toEqual(['keys[1].keyId: keyId "k1" appears twice']);
    });

    it("caps the number of keys", () => {
      const keys = Array.from({ length: 33 }, (_, i) => ({ keyId: `k${i}`, publicKey: testKey(`k${i}`).publicKey }));
      expect(problems(AgentInput, agentEntry("a", { keys }))).toEqual(["keys: at most 32 keys per agent"]);
    });

    it("explains standard base64 instead of base64url", () => {
      const std = Buffer.from(testKey("k1").publicKey, "base64url").toString("base64");
      const padded = std.endsWith("=") ? std : `${std}=`;
      expect(problems(AgentInput, withKey({ publicKey: padded }))).toEqual([
        'keys[0].publicKey: must be unpadded base64url, not standard base64: replace "+" with "-" and "/" with "_", and drop "="',
      ]);
    });

    it("says how many bytes a key of the wrong length has", () => {
      expect(problems(AgentInput, withKey({ publicKey: Buffer.alloc(31, 1).toString("base64url") }))).toEqual([
        "keys[0].publicKey: must decode to exactly 32 bytes (the raw Ed25519 public key), got 31",
      ]);
    });

    it("recognizes a DER SubjectPublicKeyInfo and says what to give instead", () => {
      const spki = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: testKey("k1").publicKey }, format: "jwk" })
        .export({ format: "der", type: "spki" })
        .toString("base64url");
      expect(problems(AgentInput, withKey({ publicKey: spki }))[0]).toMatch(/got 44; this looks like a DER SubjectPublicKeyInfo: give only its last 32 bytes/);
    });

    it("gives the expected length of a key with an impossible length, and spots stray bits", () => {
      expect(problems(AgentInput, withKey({ publicKey: "too-short" }))).toEqual(["keys[0].publicKey: must be 43 characters of base64url (the raw Ed25519 public key), got 9"]);
      const good = testKey("k1").publicKey;
      const last = good.at(-1) ?? "A";
      // The 43rd character holds 6 bits of which only 4 are data: flipping the lowest bit makes a second spelling of the same key.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const twin = good.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
      expect(problems(AgentInput, withKey({ publicKey: twin }))).toEqual([
        "keys[0].publicKey: is not canonical base64url: its last character carries bits beyond the 32 bytes of the raw Ed25519 public key",
      ]);
    });

    it("wants a string for a key, not a number", () => {
      expect(problems(AgentInput, withKey({ publicKey: 42 }))).toEqual(["keys[0].publicKey: must be a string"]);
    });

    it("needs a zone on validity timestamps", () => {
      expect(problems(AgentInput, withKey({ notBefore: "2026-01-01T00:00:00" }))).toEqual([
        "keys[0].notBefore: must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T00:00:00Z",
      ]);
      expect(problems(AgentInput, withKey({ notAfter: "2026-02-30T00:00:00Z" }))[0]).toMatch(/^keys\[0\]\.notAfter: must be an ISO 8601/);
    });

    it("needs notAfter later than notBefore", () => {
      expect(problems(AgentInput, withKey({ notBefore: "2026-06-01T00:00:00Z", notAfter: "2026-06-01T00:00:00Z" }))).toEqual([
        "keys[0].notAfter: must be later than notBefore (2026-06-01T00:00:00.000Z)",
      ]);
      expect(problems(AgentInput, withKey({ notBefore: "2026-06-01T00:00:00Z", notAfter: "2026-06-01T00:00:00.001Z" }))).toEqual([]);
    });

    it("allows null or absent validity bounds", () => {
      expect(problems(AgentInput, withKey({ notBefore: null, notAfter: null }))).toEqual([]);
    });
  });

  it("accepts receivers and '*', and refuses anything else", () => {
    expect(problems(AgentInput, agentEntry("a", { capabilities: [{ intent: "x", to: ["*", "b.c"] }, { intent: "act" }] }))).toEqual([]);
    expect(problems(AgentInput, agentEntry("a", { capabilities: [{ intent: "x", to: ["two words"] }] }))).toEqual([
      'capabilities[0].to[0]: a receiver must be an agent id (1 to 128 characters from A-Z a-z 0-9 . _ : / -) or "*" for any',
    ]);
    expect(AgentInput.parse(agentEntry("a", { capabilities: [{ intent: "act" }] })).capabilities).toEqual([{ intent: "act", to: [] }]);
  });

  it("accepts exact memory keys and trailing-* prefixes only", () => {
    expect(problems(AgentInput, agentEntry("a", { memory: { read: ["*", "orders/*", "config/limits"], write: [] } }))).toEqual([]);
    expect(problems(AgentInput, agentEntry("a", { memory: { read: ["orders/*/lines"], write: [""] } }))).toEqual([
      'memory.read[0]: a "*" may only end a prefix, as in "orders/*"',
      "memory.write[0]: must not be empty",
    ]);
  });

  it("tells a YAML author to quote numeric versions", () => {
    expect(problems(AgentInput, { ...agentEntry("a"), version: 1.2, protocols: { a2a: 0.3 } })).toEqual([
      'protocols.a2a: must be a string; quote version numbers in YAML ("0.3")',
      'version: must be a string; quote version numbers in YAML ("0.3")',
    ]);
  });

  it("names a bad label or protocol key", () => {
    expect(problems(AgentInput, { ...agentEntry("a"), labels: { "team=x": "a", ok: 1 }, protocols: { "a b": "1" } })).toEqual([
      'protocols["a b"]: key "a b": a protocol name must be 1 to 64 characters from A-Z a-z 0-9 . _ -',
      'labels["team=x"]: key "team=x": a label key must be 1 to 63 characters from A-Z a-z 0-9 . _ / -',
      'labels.ok: must be a string; quote numbers and booleans in YAML ("1", "true")',
    ]);
  });

  it("checks an attestation's shape", () => {
    expect(problems(AgentInput, { ...agentEntry("a"), attestation: { registrarKeyId: "ci", signature: "AAAA" } })).toEqual([
      "attestation.signature: must decode to exactly 64 bytes (the Ed25519 signature), got 3",
    ]);
  });

  it("rejects a body that is not an object", () => {
    expect(problems(AgentInput, [])).toEqual(["must be an object (an agent entry)"]);
    expect(problems(AgentInput, null)).toEqual(["must be an object (an agent entry)"]);
  });
});

describe("ContractInput", () => {
  it("accepts a schema that compiles", () => {
    expect(ContractInput.parse(contractInput())).toEqual(contractInput());
  });

  it("gives Ajv's reason for a schema that does not compile", () => {
    expect(problems(ContractInput, contractInput("X", { type: "object", requried: ["a"] }))).toEqual([
      'schema: is not a usable JSON Schema: strict mode: unknown keyword: "requried"',
    ]);
    expect(problems(ContractInput, contractInput("X", { type: "strin" }))[0]).toMatch(/^schema: is not a usable JSON Schema: schema is invalid: data\/type/);
  });

  it("wants an object for the schema", () => {
    expect(problems(ContractInput, { intent: "X", schema: [] })).toEqual(["schema: must be a JSON Schema object"]);
    expect(problems(ContractInput, { intent: "X" })).toEqual(["schema: is required"]);
  });

  it("checks the intent name", () => {
    expect(problems(ContractInput, contractInput("price quote"))).toEqual(["intent: an intent must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -"]);
  });
});

describe("RegistryFile", () => {
  it("defaults both lists to empty", () => {
    expect(RegistryFile.parse({})).toEqual({ agents: [], contracts: [] });
  });

  it("refuses an agent or a contract named twice", () => {
    expect(problems(RegistryFile, { agents: [agentEntry("a"), agentEntry("a")], contracts: [contractInput(), contractInput()] })).toEqual([
      'agents[1].id: agent "a" appears twice',
      'contracts[1].intent: contract "PriceQuote" appears twice',
    ]);
  });
});

describe("AgentView", () => {
  it("is the entry plus attested, attestationError and timestamps, and nothing else", () => {
    const view = { ...AgentInput.parse(agentEntry("a")), attested: false, attestationError: "x", createdAt: "2026-11-21T00:00:00.000Z", updatedAt: "2026-11-21T00:00:00.000Z" };
    expect(AgentView.parse(view)).toEqual(view);
    expect(AgentView.safeParse({ ...view, extra: 1 }).success).toBe(false);
  });
});

describe("validation helpers", () => {
  it("formats paths as a reader would type them", () => {
    expect(formatPath([])).toBe("");
    expect(formatPath(["keys", 0, "publicKey"])).toBe("keys[0].publicKey");
    expect(formatPath(["labels", "team name"])).toBe('labels["team name"]');
    expect(formatPath([0, "a"])).toBe("[0].a");
  });

  it("turns a failed parse into a 400 whose message and details name the paths", () => {
    let caught: unknown;
    try {
      parseOrBadRequest(AgentInput, agentEntry("a", { keys: [], kind: "x" as "agent" }), "agent entry");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FirebreakError);
    const err = caught as FirebreakError;
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid agent entry: kind: must be one of "agent", "gateway", "approver"; keys: an agent needs at least one key');
    expect(err.details).toEqual([
      { path: "kind", message: 'must be one of "agent", "gateway", "approver"' },
      { path: "keys", message: "an agent needs at least one key" },
    ]);
  });

  it("shows three problems and counts the rest", () => {
    const keys = Array.from({ length: 5 }, (_, i) => ({ keyId: `k${i}`, publicKey: "bad" }));
    expect(() => parseOrBadRequest(AgentInput, agentEntry("a", { keys }), "agent entry")).toThrow(/\(and 2 more\)$/);
  });
});

describe("text that cannot be signed or stored", () => {
  it("refuses lone surrogates in an entry and in a contract schema", () => {
    expect(problems(AgentInput, { ...agentEntry("a"), displayName: "bad \ud800", labels: { team: "\udc00" } })).toEqual([
      "displayName: must be valid Unicode (it holds a lone surrogate)",
      "labels.team: must be valid Unicode (it holds a lone surrogate)",
    ]);
    expect(problems(ContractInput, contractInput("X", { type: "string", description: "x\ud800" }))).toEqual(["schema: must be valid Unicode JSON: Lone surrogate is not allowed"]);
    expect(problems(AgentInput, { ...agentEntry("a"), displayName: "emoji 😀 are fine" })).toEqual([]);
  });
});
