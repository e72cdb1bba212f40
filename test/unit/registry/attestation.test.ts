import { describe, expect, it } from "vitest";
import { sign } from "node:crypto";
import canonicalize from "canonicalize";
import { privateKeyFromSeed } from "@/lib/protocol/keys.ts";
import { ATTESTATION_DOMAIN, attestationMessage, attestEntry, verifyAttestation } from "@/lib/registry/attestation.ts";
import { AgentInput, type AgentInputRaw } from "@/lib/registry/schema.ts";
import { agentEntry, testKey, testRegistrar } from "@/test/fixtures/registry-entries.ts";

const registrar = testRegistrar("ci-2026");
const check = (raw: AgentInputRaw, registrars = registrar.registrars) => verifyAttestation(AgentInput.parse(raw), registrars);

describe("attestation", () => {
  it("verifies an entry signed by a configured registrar", () => {
    expect(check(registrar.attest(agentEntry("price-monitor")))).toEqual({ attested: true });
  });

  it("signs the domain string followed by the canonical JSON of the normalized entry", () => {
    const pub = testKey("k1").publicKey;
    const entry = AgentInput.parse({ id: "a", displayName: "A", kind: "agent", keys: [{ keyId: "k1", publicKey: pub, notAfter: "2027-01-01T00:00:00Z" }] });
    // Pinned byte for byte: changing this breaks every attestation already issued.
    expect(attestationMessage(entry).toString("utf8")).toBe(
      "firebreak/1 registry-entry\n" +
        `{"capabilities":[],"displayName":"A","id":"a","keys":[{"keyId":"k1","notAfter":"2027-01-01T00:00:00.000Z","notBefore":null,"publicKey":"${pub}"}],` +
        `"kind":"agent","labels":{},"memory":{"read":[],"write":[]},"protocols":{},"version":null}`,
    );
  });

  const tampers: [string, (e: AgentInputRaw) => AgentInputRaw][] = [
    ["id", (e) => ({ ...e, id: "price-monitor-2" })],
    ["displayName", (e) => ({ ...e, displayName: "Someone else" })],
    ["kind", (e) => ({ ...e, kind: "approver" })],
    ["a key's publicKey", (e) => ({ ...e, keys: [{ keyId: "price-monitor-k1", publicKey: testKey("attacker").publicKey }] })],
    ["a key's keyId", (e) => ({ ...e, keys: [{ keyId: "other", publicKey: testKey("price-monitor-k1").publicKey }] })],
    ["a key's validity", (e) => ({ ...e, keys: [{ keyId: "price-monitor-k1", publicKey: testKey("price-monitor-k1").publicKey, notAfter: "2099-01-01T00:00:00Z" }] })],
    ["an added key", (e) => ({ ...e, keys: [...(e.keys ?? []), { keyId: "extra", publicKey: testKey("extra").publicKey }] })],
    ["capability receivers", (e) => ({ ...e, capabilities: [{ intent: "PriceQuote", to: ["*"] }] })],
    ["an added capability", (e) => ({ ...e, capabilities: [...(e.capabilities ?? []), { intent: "purchase.order" }] })],
    ["memory read", (e) => ({ ...e, memory: { read: ["*"], write: ["prices/latest"] } })],
    ["memory write", (e) => ({ ...e, memory: { read: ["prices/*"], write: ["prices/*"] } })],
    ["protocols", (e) => ({ ...e, protocols: { a2a: "0.1" } })],
    ["version", (e) => ({ ...e, version: "1.0.1" })],
    ["version removed", (e) => ({ ...e, version: null })],
    ["labels", (e) => ({ ...e, labels: { team: "pricing", env: "prod" } })],
  ];

  it.each(tampers)("is void once %s changes", (_field, tamper) => {
    const signed = registrar.attest(agentEntry("price-monitor"));
    const result = check(tamper(signed));
    expect(result.attested).toBe(false);
    expect(result.reason).toMatch(/^the signature by registrar "ci-2026" does not match this entry/);
  });

  it("does not depend on key order or on how timestamps are spelt", () => {
    const k1 = { keyId: "k1", publicKey: testKey("k1").publicKey, notBefore: "2026-06-01T02:00:00+02:00" };
    const k2 = { keyId: "k2", publicKey: testKey("k2").publicKey };
    const signed = registrar.attest(agentEntry("a", { keys: [k2, k1] }));
    const respelt = { ...signed, keys: [{ ...k1, notBefore: "2026-06-01T00:00:00.000Z" }, k2] };
    expect(check(respelt)).toEqual({ attested: true });
  });

  it("ignores what travels with an entry but is not part of it (a view's attested flag, timestamps)", () => {
    const entry = AgentInput.parse(registrar.attest(agentEntry("a")));
    const view = { ...entry, attested: false, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-02T00:00:00.000Z" };
    expect(verifyAttestation(view, registrar.registrars)).toEqual({ attested: true });
  });

  it("says when the entry has no attestation", () => {
    expect(check(agentEntry("a"))).toEqual({ attested: false, reason: "the entry has no attestation" });
  });

  it("names an unknown registrar and the ones that are configured", () => {
    const other = testRegistrar("rogue");
    expect(check(other.attest(agentEntry("a")))).toEqual({
      attested: false,
      reason: 'registrar key "rogue" is not configured (configured: "ci-2026"; see FIREBREAK_REGISTRARS)',
    });
    expect(check(other.attest(agentEntry("a")), new Map())).toEqual({
      attested: false,
      reason: 'registrar key "rogue" is not configured (no registrars are configured; see FIREBREAK_REGISTRARS)',
    });
  });

  it("treats a registrar key id like 'constructor' as just an unknown id", () => {
    const signed = { ...registrar.attest(agentEntry("a")), attestation: { registrarKeyId: "constructor", signature: registrar.attest(agentEntry("a")).attestation.signature } };
    expect(check(signed).reason).toMatch(/registrar key "constructor" is not configured/);
  });

  it("refuses a signature by another key under the configured key id", () => {
    const impostor = testKey("impostor");
    const forged = { ...agentEntry("a"), attestation: attestEntry(agentEntry("a"), "ci-2026", impostor.privateKey) };
    expect(check(forged).attested).toBe(false);
  });

  it("refuses a signature made without the domain prefix", () => {
    const entry = AgentInput.parse(agentEntry("a"));
    const withoutDomain = attestationMessage(entry).subarray(Buffer.byteLength(ATTESTATION_DOMAIN));
    expect(withoutDomain.toString()).toBe(canonicalize(JSON.parse(withoutDomain.toString())));
    const sig = sign(null, withoutDomain, privateKeyFromSeed(registrar.privateKey)).toString("base64url");
    expect(check({ ...agentEntry("a"), attestation: { registrarKeyId: "ci-2026", signature: sig } }).attested).toBe(false);
  });

  it("never throws on an entry that cannot be canonicalized", () => {
    const entry = { ...AgentInput.parse(registrar.attest(agentEntry("a"))), displayName: "bad \ud800 surrogate" };
    expect(verifyAttestation(entry, registrar.registrars)).toEqual({ attested: false, reason: expect.stringMatching(/canonicaliz/) });
  });

  it("refuses to sign an invalid entry", () => {
    expect(() => attestEntry(agentEntry("a", { keys: [] }), "ci-2026", registrar.privateKey)).toThrow(/at least one key/);
  });

  it("accepts a KeyObject as the registrar key", () => {
    const attestation = attestEntry(agentEntry("a"), "ci-2026", privateKeyFromSeed(registrar.privateKey));
    expect(check({ ...agentEntry("a"), attestation })).toEqual({ attested: true });
  });
});
