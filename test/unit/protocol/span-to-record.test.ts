import { describe, expect, it } from "vitest";
import type { AttributeValue } from "@/lib/protocol/attributes.ts";
import { ATTR, type WireRecord } from "@/lib/protocol/record.ts";
import { attributesFromRecord, recordFromAttributes } from "@/lib/protocol/span-to-record.ts";
import { makeRecord, makeSignedRecord } from "@/test/fixtures/records.ts";

function attrs(overrides: Record<string, AttributeValue | undefined> = {}): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = { ...attributesFromRecord(makeSignedRecord({ parents: ["r0"], authority: ["r0"] })) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function errorOf(a: Record<string, AttributeValue>, options?: { maxPayloadDepth?: number }): string {
  const result = recordFromAttributes(a, options);
  if (result === null || !("error" in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}

describe("recordFromAttributes", () => {
  it("is null for an ordinary span", () => {
    expect(recordFromAttributes({})).toBeNull();
    expect(recordFromAttributes({ "http.method": "GET", [ATTR.id]: "x" })).toBeNull();
  });

  it("round-trips every field through attributesFromRecord", () => {
    const rec: WireRecord = makeSignedRecord({ kind: "action", class: "yellow", parents: ["a", "b"], authority: ["a"] });
    expect(recordFromAttributes(attributesFromRecord(rec))).toEqual({ record: rec });
  });

  it("ignores unknown attributes, firebreak.* ones included", () => {
    const result = recordFromAttributes(attrs({ "firebreak.future": 1, "service.name": "x" }));
    expect(result && "record" in result).toBe(true);
  });

  it.each([
    [ATTR.to, "pricer", "firebreak.to must be an array of strings, got string"],
    [ATTR.to, ["a", 3], "firebreak.to must be an array of strings, got number at [1]"],
    [ATTR.to, ["a", ""], "firebreak.to[1] must not be empty"],
    [ATTR.parents, { a: "b" }, "firebreak.parents must be an array of strings, got object"],
    [ATTR.authority, [null], "firebreak.authority must be an array of strings, got null at [0]"],
    [ATTR.id, 42, "firebreak.id must be a string, got number"],
    [ATTR.id, "", "firebreak.id must not be empty"],
    [ATTR.agent, ["a"], "firebreak.agent must be a string, got array"],
    [ATTR.intent, true, "firebreak.intent must be a string, got boolean"],
    [ATTR.protocol, null, "firebreak.protocol must be a string, got null"],
    [ATTR.payload, { sku: 1 }, "firebreak.payload must be a string, got object"],
    [ATTR.signature, 1, "firebreak.signature must be a string, got number"],
    [ATTR.kind, 1, "firebreak.kind must be a string, got number"],
    [ATTR.kind, "gossip", 'firebreak.kind must be one of request, approval, message, state.write, state.read, action, got "gossip"'],
    [ATTR.timestamp, 1764000000000, "firebreak.timestamp must be a string, got number"],
  ])("%s = %j is an error naming the attribute and the type", (name, value, message) => {
    expect(errorOf(attrs({ [name]: value }))).toBe(message);
  });

  it.each([ATTR.id, ATTR.agent, ATTR.timestamp])("requires %s", (name) => {
    expect(errorOf(attrs({ [name]: undefined }))).toBe(`${name} is required`);
  });

  it("requires an RFC 3339 UTC timestamp", () => {
    expect(errorOf(attrs({ [ATTR.timestamp]: "2026-11-21T12:00:00+01:00" }))).toMatch(/^firebreak.timestamp must be an RFC 3339 UTC timestamp/);
  });

  it("checks the nonce is base64url of at least 128 bits", () => {
    expect(errorOf(attrs({ [ATTR.nonce]: "abc" }))).toBe("firebreak.nonce must carry at least 128 bits (22 base64url characters), got 3");
    expect(errorOf(attrs({ [ATTR.nonce]: "a+b/c=".repeat(5) }))).toBe("firebreak.nonce must be base64url");
  });

  it("checks the payload is JSON, shallow enough, without duplicate keys", () => {
    expect(errorOf(attrs({ [ATTR.payload]: "{sku" }))).toMatch(/^firebreak.payload is not valid JSON: /);
    expect(errorOf(attrs({ [ATTR.payload]: '{"a":1,"a":1}' }))).toBe('firebreak.payload has duplicate key "a"');
    const deep = '{"a":'.repeat(65) + "1" + "}".repeat(65);
    expect(errorOf(attrs({ [ATTR.payload]: deep }))).toBe("firebreak.payload nests deeper than 64 levels");
    expect(errorOf(attrs({ [ATTR.payload]: "[[[1]]]" }), { maxPayloadDepth: 2 })).toBe("firebreak.payload nests deeper than 2 levels");
  });

  it("checks the action class, and allows it on actions only", () => {
    const action = attributesFromRecord(makeRecord({ kind: "action", class: "red" }));
    expect(recordFromAttributes(action)).toMatchObject({ record: { class: "red" } });
    expect(errorOf({ ...action, [ATTR.actionClass]: "orange" })).toBe('firebreak.action.class must be one of green, yellow, red, got "orange"');
    expect(errorOf(attrs({ [ATTR.actionClass]: "green" }))).toBe("firebreak.action.class is only allowed on action records, not message");
  });

  it("takes a malformed signature as it is: judging it is verification's job", () => {
    const result = recordFromAttributes(attrs({ [ATTR.signature]: "rsa:whatever" }));
    expect(result).toMatchObject({ record: { signature: "rsa:whatever" } });
  });

  it("accepts the smallest record", () => {
    const result = recordFromAttributes({ [ATTR.kind]: "request", [ATTR.id]: "r1", [ATTR.agent]: "gw", [ATTR.timestamp]: "2026-11-21T12:00:00Z" });
    expect(result).toEqual({ record: { kind: "request", id: "r1", agent: "gw", timestamp: "2026-11-21T12:00:00Z" } });
  });
});

describe("attributesFromRecord", () => {
  it("sets gen_ai.agent.id to the acting agent", () => {
    expect(attributesFromRecord(makeRecord({ agent: "planner" }))[ATTR.genAiAgentId]).toBe("planner");
  });

  it("leaves out absent fields and empty arrays", () => {
    const out = attributesFromRecord({ kind: "request", id: "r1", agent: "gw", timestamp: "2026-11-21T12:00:00.000Z", to: [], parents: [] });
    expect(Object.keys(out).sort()).toEqual([ATTR.agent, ATTR.id, ATTR.kind, ATTR.timestamp, ATTR.genAiAgentId].sort());
  });

  it("copies arrays, so later edits to the record do not reach the span", () => {
    const rec = makeRecord({ to: ["b"] });
    const out = attributesFromRecord(rec);
    rec.to?.push("c");
    expect(out[ATTR.to]).toEqual(["b"]);
  });
});

describe("nonce on signed records", () => {
  it("refuses a signed record without a nonce, saying why", () => {
    const { [ATTR.nonce]: _dropped, ...withoutNonce } = attributesFromRecord(makeSignedRecord());
    const parsed = recordFromAttributes(withoutNonce);
    expect(parsed).toEqual({ error: expect.stringContaining("firebreak.nonce is required on a signed record") });
  });
});
