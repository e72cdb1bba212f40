import { describe, expect, it } from "vitest";
import { compileContractSchema, contractSchemaError, ContractSchemaError, schemaDialect } from "@/lib/registry/json-schema.ts";
import { priceQuoteSchema } from "@/test/fixtures/registry-entries.ts";

describe("schemaDialect", () => {
  it("is draft-07 when $schema is absent, and follows a declared one", () => {
    expect(schemaDialect({})).toBe("draft-07");
    expect(schemaDialect({ $schema: "http://json-schema.org/draft-07/schema#" })).toBe("draft-07");
    expect(schemaDialect({ $schema: "https://json-schema.org/draft/2019-09/schema" })).toBe("2019-09");
    expect(schemaDialect({ $schema: "https://json-schema.org/draft/2020-12/schema" })).toBe("2020-12");
  });

  it("names the dialects it supports when given another", () => {
    expect(schemaDialect({ $schema: "http://json-schema.org/draft-04/schema#" })).toEqual({ error: expect.stringMatching(/^unsupported \$schema .*draft-04.*: use /) });
    expect(schemaDialect({ $schema: 7 })).toEqual({ error: "$schema must be a string" });
  });

  it("is not fooled by a $schema that names an Object.prototype member", () => {
    expect(typeof schemaDialect({ $schema: "constructor" })).toBe("object");
    expect(contractSchemaError({ $schema: "constructor" })).toMatch(/unsupported \$schema/);
  });
});

describe("compileContractSchema", () => {
  it("validates payloads against the PriceQuote contract", () => {
    const validate = compileContractSchema(priceQuoteSchema());
    expect(validate({ sku: "A-1", unit_price: 9.5, currency: "EUR" })).toBe(true);
    expect(validate({ sku: "A-1", unit_price: "9.5", currency: "EUR" })).toBe(false);
    expect(validate({ sku: "A-1", unit_price: 9.5 })).toBe(false);
  });

  it("honours 2020-12 keywords when the schema asks for 2020-12", () => {
    const validate = compileContractSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "string" }], items: false });
    expect(validate(["a"])).toBe(true);
    expect(validate(["a", 1])).toBe(false);
  });

  it("compiles two schemas that reuse an $id", () => {
    const a = compileContractSchema({ $id: "https://contracts.example/q.json", type: "string" });
    const b = compileContractSchema({ $id: "https://contracts.example/q.json", type: "number" });
    expect([a("x"), b("x")]).toEqual([true, false]);
  });

  it("accepts x- extension keywords but refuses misspelt ones", () => {
    expect(contractSchemaError({ type: "object", "x-owner": "pricing", properties: { a: { type: "string", "x-pii": true } } })).toBeNull();
    expect(contractSchemaError({ type: "object", requried: ["a"] })).toBe('strict mode: unknown keyword: "requried"');
  });

  it("knows the standard formats and refuses unknown ones", () => {
    expect(compileContractSchema({ type: "string", format: "email" })("a@example.com")).toBe(true);
    expect(contractSchemaError({ type: "string", format: "emial" })).toMatch(/unknown format "emial"/);
  });

  it("reports unresolvable references, bad patterns and odd $ids as schema errors", () => {
    expect(contractSchemaError({ $ref: "https://example.com/elsewhere.json" })).toMatch(/can't resolve reference/);
    expect(contractSchemaError({ type: "string", pattern: "[" })).toMatch(/Invalid regular expression/);
    expect(() => compileContractSchema({ $id: "urn:x", type: "string" })).toThrow(ContractSchemaError);
  });

  it("survives a schema nested far beyond Ajv's stack", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 20_000; i++) deep = { type: "object", properties: { a: deep } };
    expect(contractSchemaError(deep)).toBe("the schema is nested too deeply to compile");
  });
});
