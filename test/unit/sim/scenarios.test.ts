import { describe, expect, it } from "vitest";
import { AgentInput, ContractInput } from "@/lib/registry/schema.ts";
import { FAULT_NAMES } from "@/lib/sim/faults/catalog.ts";
import { createRun } from "@/lib/sim/runner.ts";
import { SCENARIOS, scenarioByName } from "@/lib/sim/scenarios/index.ts";
import { resolveParams } from "@/lib/sim/scenarios/types.ts";
import { memorySink } from "@/lib/sim/sink.ts";
import { parseSimEnv, resolveTarget } from "@/lib/sim/target.ts";

const build = (scenario: string) => createRun({ scenario, seed: "s", namespace: "ns", clock: { mode: "virtual" }, sink: memorySink().sink });

describe("scenarios", () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: a registry the server accepts, with a gateway, an approver and strict contracts`, () => {
      const run = build(s.name);
      for (const entry of run.fleet.entries) expect(AgentInput.safeParse(entry).success, entry.id).toBe(true);
      for (const c of run.fleet.contracts) {
        expect(ContractInput.safeParse(c).success, c.intent).toBe(true);
        expect(c.schema.additionalProperties, c.intent).toBe(false);
      }
      const kinds = run.fleet.specs.map((a) => a.kind);
      expect(kinds).toContain("gateway");
      expect(kinds).toContain("approver");
      for (const spec of run.fleet.specs) expect(spec.id.startsWith("ns."), spec.id).toBe(true);
      // Downgrade is only visible where the registry sets a minimum version.
      for (const spec of run.fleet.specs) expect(spec.protocols).toEqual({ a2a: "0.3" });
    });

    it(`${s.name}: every fault has a default target that exists`, () => {
      for (const fault of FAULT_NAMES) {
        expect(() => createRun({ scenario: s.name, seed: "s", namespace: "ns", clock: { mode: "virtual" }, sink: memorySink().sink, faults: [{ fault, at: 60_000 }] }), fault).not.toThrow();
      }
    });
  }

  it("finds scenarios by name and says which exist", () => {
    expect(scenarioByName("trading").name).toBe("trading");
    expect(() => scenarioByName("chess")).toThrow(/procurement, software-delivery, trading, synthetic/);
  });

  it("checks parameters against their bounds", () => {
    const specs = scenarioByName("synthetic").params;
    expect(resolveParams(specs, { agents: 1000 }).agents).toBe(1000);
    expect(resolveParams(specs, {}).fanOut).toBe(3);
    expect(() => resolveParams(specs, { agents: 0 })).toThrow(/between 2 and/);
    expect(() => resolveParams(specs, { colour: 1 })).toThrow(/unknown parameter colour/);
    expect(() => resolveParams(specs, { rate: Number.NaN })).toThrow(/between/);
  });
});

describe("where the simulator finds Firebreak", () => {
  it("flags over environment over the defaults of npm start", () => {
    const env = parseSimEnv({ FIREBREAK_TOKEN: "t".repeat(20), PORT: "3100" });
    expect(resolveTarget({}, env)).toMatchObject({ apiBase: "http://localhost:3100", collector: "http://localhost:4318/v1/traces", token: "t".repeat(20), allowUnattested: true });
    expect(resolveTarget({ api: "http://fb:1", endpoint: "http://fb:2/v1/traces", token: "x".repeat(16) }, env)).toMatchObject({ apiBase: "http://fb:1", collector: "http://fb:2/v1/traces", token: "x".repeat(16) });
  });

  it("reads a registrar for attested fleets", () => {
    const seed = "A".repeat(43);
    const env = parseSimEnv({ FIREBREAK_TOKEN: "t".repeat(20), FIREBREAK_SIM_REGISTRAR: `ci:2026:${seed}` });
    expect(resolveTarget({}, env).registrar).toEqual({ keyId: "ci:2026", privateKey: seed });
  });

  it("says what is wrong with the environment", () => {
    expect(() => parseSimEnv({ FIREBREAK_TOKEN: "short" })).toThrow(/at least 16/);
    expect(() => parseSimEnv({ FIREBREAK_SIM_REGISTRAR: "nocolon" })).toThrow(/FIREBREAK_SIM_REGISTRAR/);
    expect(() => parseSimEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => resolveTarget({}, parseSimEnv({ FIREBREAK_DATA_DIR: "/nonexistent-fb" }))).toThrow(/No admin token/);
  });
});
