// Where a guard's registry comes from: static, fetched through the API (with
// a fake RegistryHttp / fetch, no network), or built from entries as the
// server would judge them.
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { createGuard } from "@/lib/guard/guard.ts";
import { generateGuardKeys, registerAgent, registryEntry } from "@/lib/guard/keys.ts";
import { loadRemoteSnapshot, registryHttp, RemoteRegistry, snapshotFromEntries, staticRegistry, type RegistryHttp } from "@/lib/guard/registry-source.ts";
import { AgentInput, type AgentInputRaw } from "@/lib/registry/schema.ts";
import { contractInput, testRegistrar } from "../../fixtures/registry-entries.ts";
import { worldSnapshot } from "./guard-fixtures.ts";

const STAMP = "2026-11-21T12:00:00.000Z";

/** An agent as GET /api/v1/agents returns it. */
function agentView(entry: AgentInputRaw, attested: boolean): Record<string, unknown> {
  return { ...AgentInput.parse(entry), attested, createdAt: STAMP, updatedAt: STAMP };
}

function fakeHttp(bodies: Record<string, unknown>): RegistryHttp & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getJson(path) {
      calls.push(path);
      if (!(path in bodies)) return Promise.reject(new Error(`GET ${path} answered 500`));
      return Promise.resolve(bodies[path]);
    },
  };
}

describe("registry sources", () => {
  it("a static source returns its snapshot", () => {
    const snapshot = worldSnapshot();
    expect(staticRegistry(snapshot).current()).toBe(snapshot);
  });

  it("loads agents and contracts from the API into the verifier's snapshot", async () => {
    const keys = generateGuardKeys("remote-k1");
    const entry = registryEntry({ agentId: "remote", keyId: keys.keyId, publicKey: keys.publicKey, capabilities: [{ intent: "PriceQuote", to: ["*"] }], labels: { team: "x" } });
    const rotated = { ...entry, id: "rotated", keys: [{ keyId: "old", publicKey: keys.publicKey, notAfter: "2026-01-01T00:00:00Z" }] };
    const http = fakeHttp({
      "/api/v1/agents": [agentView(entry, true), agentView(rotated, false)],
      "/api/v1/contracts": [{ ...contractInput(), description: null, updatedAt: STAMP }],
    });
    const snapshot = await loadRemoteSnapshot(http, true);
    expect(http.calls.sort()).toEqual(["/api/v1/agents", "/api/v1/contracts"]);
    expect(snapshot.allowUnattested).toBe(true);
    expect(snapshot.agents.get("remote")).toMatchObject({ attested: true, labels: { team: "x" }, keys: [{ keyId: "remote-k1", notBefore: null, notAfter: null }] });
    expect(snapshot.agents.get("rotated")?.keys[0]?.notAfter).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(snapshot.agents.get("rotated")?.attested).toBe(false);
    expect(snapshot.contracts.get("PriceQuote")?.schema).toMatchObject({ type: "object" });
  });

  it("says which endpoint answered an unexpected shape", async () => {
    await expect(loadRemoteSnapshot(fakeHttp({ "/api/v1/agents": { items: [] }, "/api/v1/contracts": [] }), false)).rejects.toThrow("GET /api/v1/agents returned an unexpected shape");
  });

  it("a failed refresh keeps the last snapshot and records the error", async () => {
    const bodies: Record<string, unknown> = { "/api/v1/agents": [], "/api/v1/contracts": [] };
    const remote = new RemoteRegistry(fakeHttp(bodies));
    await remote.refresh();
    const first = remote.current();
    delete bodies["/api/v1/contracts"];
    await expect(remote.refresh()).rejects.toThrow("500");
    expect(remote.current()).toBe(first);
    expect(remote.lastError?.message).toContain("/api/v1/contracts");
  });

  it("registryHttp sends the bearer token and reports a refusal with its status", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fakeFetch: typeof fetch = (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get("authorization") });
      return Promise.resolve(String(input).endsWith("/agents") ? Response.json([]) : new Response("nope", { status: 401 }));
    };
    const http = registryHttp({ baseUrl: "https://fb.example/", token: "t0k3n", fetch: fakeFetch });
    expect(await http.getJson("/api/v1/agents")).toEqual([]);
    await expect(http.getJson("/api/v1/contracts")).rejects.toThrow("GET /api/v1/contracts answered 401: nope");
    expect(seen[0]).toEqual({ url: "https://fb.example/api/v1/agents", auth: "Bearer t0k3n" });
  });

  it("a guard judges with a remote registry like any other", async () => {
    const sender = generateGuardKeys("s-k1");
    const entries = [
      registryEntry({ agentId: "gw", kind: "gateway", keyId: sender.keyId, publicKey: sender.publicKey }),
      registryEntry({ agentId: "rx", keyId: "rx-k1", publicKey: generateGuardKeys("rx-k1").publicKey }),
    ];
    const remote = new RemoteRegistry(fakeHttp({ "/api/v1/agents": entries.map((e) => agentView(e, true)), "/api/v1/contracts": [] }));
    await remote.refresh();
    const gw = createGuard({ agentId: "gw", keys: sender, registry: remote, exporter: new InMemorySpanExporter() });
    const rx = createGuard({ agentId: "rx", keys: generateGuardKeys("rx-k1"), registry: remote, exporter: new InMemorySpanExporter() });
    expect(rx.receive(gw.request("hello")).verdicts).toEqual([{ verdict: "verified" }]);
  });
});

describe("snapshotFromEntries", () => {
  it("judges attestation with the registrar keys, as the server does", () => {
    const registrar = testRegistrar();
    const keys = generateGuardKeys("a-k1");
    const entry = registryEntry({ agentId: "a", keyId: keys.keyId, publicKey: keys.publicKey });
    const attested = snapshotFromEntries([registrar.attest(entry), { ...entry, id: "b" }], { registrars: registrar.registrars, contracts: [contractInput()] });
    expect(attested.agents.get("a")?.attested).toBe(true);
    expect(attested.agents.get("b")?.attested).toBe(false);
    expect(attested.contracts.has("PriceQuote")).toBe(true);
    expect(snapshotFromEntries([entry]).agents.get("a")?.attested).toBe(false);
  });

  it("names the entry that is invalid", () => {
    expect(() => snapshotFromEntries([{ ...registryEntry({ agentId: "bad", keyId: "k", publicKey: "nope" }) }])).toThrow(/registry entry bad: keys.0.publicKey/);
  });
});

describe("registerAgent", () => {
  it("POSTs the entry and returns the registry's view of it", async () => {
    const keys = generateGuardKeys("n-k1");
    const entry = registryEntry({ agentId: "n", keyId: keys.keyId, publicKey: keys.publicKey });
    let body: unknown;
    const fakeFetch: typeof fetch = (_input, init) => {
      body = JSON.parse(String(init?.body));
      return Promise.resolve(Response.json(agentView(entry, false), { status: 201 }));
    };
    const view = await registerAgent({ baseUrl: "https://fb.example", token: "t", entry, fetch: fakeFetch });
    expect(body).toEqual(entry);
    expect(view).toMatchObject({ id: "n", attested: false });
  });

  it("passes on the API's message when it refuses", async () => {
    const fakeFetch: typeof fetch = () => Promise.resolve(Response.json({ error: { code: "conflict", message: "agent n already exists", details: [] } }, { status: 409 }));
    const entry = registryEntry({ agentId: "n", keyId: "k", publicKey: generateGuardKeys("k").publicKey });
    await expect(registerAgent({ baseUrl: "https://fb.example", token: "t", entry, fetch: fakeFetch })).rejects.toThrow("registering n failed (409): agent n already exists");
  });
});
