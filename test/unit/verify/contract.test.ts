import { describe, expect, it } from "vitest";
import { checkContract } from "@/lib/verify/contract.ts";
import { makeRecord } from "@/test/fixtures/records.ts";
import { makeContract, makeSnapshot } from "@/test/fixtures/registry.ts";

const quote = makeContract("quote.request", {
  type: "object",
  required: ["sku", "qty"],
  properties: { sku: { type: "string" }, qty: { type: "integer", minimum: 1 }, unit_price: { type: "number" }, due: { type: "string", format: "date" } },
  additionalProperties: false,
});
const snapshot = makeSnapshot([], { contracts: [quote] });

describe("checkContract", () => {
  it("passes a payload that matches", () => {
    expect(checkContract(makeRecord({ payload: '{"sku":"A","qty":2,"unit_price":1.5,"due":"2026-12-01"}' }), snapshot)).toEqual([]);
  });

  it("reports the first violation as instancePath: message", () => {
    expect(checkContract(makeRecord({ payload: '{"sku":"A","qty":2,"unit_price":"cheap"}' }), snapshot)).toEqual([
      { verdict: "schema_violation", detail: "/unit_price: must be number" },
    ]);
    expect(checkContract(makeRecord({ payload: '{"sku":"A"}' }), snapshot)).toEqual([
      { verdict: "schema_violation", detail: "(root): must have required property 'qty'" },
    ]);
    expect(checkContract(makeRecord({ payload: '{"sku":"A","qty":1,"x":1}' }), snapshot)).toEqual([
      { verdict: "schema_violation", detail: "(root): must NOT have additional properties (x)" },
    ]);
  });

  it("checks formats (ajv-formats)", () => {
    expect(checkContract(makeRecord({ payload: '{"sku":"A","qty":1,"due":"soon"}' }), snapshot)).toEqual([
      { verdict: "schema_violation", detail: '/due: must match format "date"' },
    ]);
  });

  it("flags a message without a registered contract, or without an intent", () => {
    expect(checkContract(makeRecord({ intent: "gossip" }), snapshot)).toEqual([
      { verdict: "unknown_intent", detail: "no contract is registered for intent gossip" },
    ]);
    expect(checkContract(makeRecord({ intent: undefined }), snapshot)).toEqual([{ verdict: "unknown_intent", detail: "message names no intent" }]);
  });

  it("treats a missing payload as a schema violation", () => {
    expect(checkContract(makeRecord({ payload: undefined }), snapshot)[0]?.verdict).toBe("schema_violation");
  });

  it("only judges messages", () => {
    expect(checkContract(makeRecord({ kind: "action", intent: "gossip" }), snapshot)).toEqual([]);
    expect(checkContract(makeRecord({ kind: "state.write", intent: "k" }), snapshot)).toEqual([]);
  });

  it("reports a schema that does not compile as the contract's problem, and keeps working", () => {
    const broken = makeSnapshot([], { contracts: [makeContract("bad", { type: "no-such-type" })] });
    expect(checkContract(makeRecord({ intent: "bad" }), broken)[0]).toMatchObject({ verdict: "unknown_intent" });
    expect(checkContract(makeRecord({ intent: "bad" }), broken)[0]?.detail).toMatch(/does not compile/);
  });

  it("compiles a changed contract that keeps the same $id", () => {
    const v1 = makeSnapshot([], { contracts: [makeContract("quote.request", { $id: "https://contracts.example/quote.json", type: "object", required: ["a"] })] });
    const v2 = makeSnapshot([], { contracts: [makeContract("quote.request", { $id: "https://contracts.example/quote.json", type: "object", required: ["b"] })] });
    expect(checkContract(makeRecord({ payload: '{"a":1}' }), v1)).toEqual([]);
    expect(checkContract(makeRecord({ payload: '{"a":1}' }), v2)[0]?.detail).toBe("(root): must have required property 'b'");
  });

  it("honours a 2020-12 schema", () => {
    const snap = makeSnapshot([], {
      contracts: [makeContract("pair", { $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false })],
    });
    expect(checkContract(makeRecord({ intent: "pair", payload: '["a",1]' }), snap)).toEqual([]);
    expect(checkContract(makeRecord({ intent: "pair", payload: '["a",1,2]' }), snap)[0]?.verdict).toBe("schema_violation");
  });
});
