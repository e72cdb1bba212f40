import { describe, expect, it } from "vitest";
import { SigningInputError, signingInput, signingObject } from "@/lib/protocol/canonical.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";

const base: WireRecord = {
  kind: "message",
  id: "m1",
  agent: "planner",
  to: ["pricer"],
  intent: "quote.request",
  protocol: "a2a/0.3",
  timestamp: "2026-11-21T12:00:00.000Z",
  nonce: "AAAAAAAAAAAAAAAAAAAAAA",
  payload: '{ "sku": "A-1", "qty": 2 }',
  parents: ["r1"],
  authority: ["r1"],
};

describe("signingInput", () => {
  it("is the RFC 8785 form of the claims, keys sorted, payload embedded as JSON", () => {
    expect(signingInput(base).toString("utf8")).toBe(
      '{"agent":"planner","authority":["r1"],"id":"m1","intent":"quote.request","kind":"message",' +
        '"nonce":"AAAAAAAAAAAAAAAAAAAAAA","parents":["r1"],"payload":{"qty":2,"sku":"A-1"},' +
        '"protocol":"a2a/0.3","timestamp":"2026-11-21T12:00:00.000Z","to":["pricer"],"v":1}',
    );
  });

  it("does not depend on payload whitespace or key order", () => {
    const a = signingInput({ ...base, payload: '{"sku":"A-1","qty":2}' });
    const b = signingInput({ ...base, payload: '{\n  "qty": 2.0,\n  "sku": "A-1"\n}' });
    expect(a.equals(b)).toBe(true);
  });

  it("leaves absent fields out and never covers the signature", () => {
    const rec: WireRecord = { kind: "request", id: "r1", agent: "gw", timestamp: base.timestamp, signature: "ed25519:k:xyz" };
    expect(signingInput(rec).toString()).toBe('{"agent":"gw","id":"r1","kind":"request","timestamp":"2026-11-21T12:00:00.000Z","v":1}');
  });

  it("treats an empty array like an absent one, so exporters that drop empty arrays keep signatures valid", () => {
    const withEmpty = signingInput({ ...base, to: [], parents: [], authority: [] });
    const without = signingInput({ ...base, to: undefined, parents: undefined, authority: undefined });
    expect(withEmpty.equals(without)).toBe(true);
  });

  it("keeps a JSON null payload, which differs from no payload", () => {
    expect(signingObject({ ...base, payload: "null" }).payload).toBeNull();
    expect("payload" in signingObject({ ...base, payload: undefined })).toBe(false);
  });

  it("includes the action class under the name class", () => {
    const text = signingInput({ ...base, kind: "action", class: "red" }).toString();
    expect(text).toContain('"class":"red"');
  });

  it("serializes numbers the ECMAScript way (RFC 8785 section 3.2.2.3)", () => {
    const text = signingInput({ ...base, payload: '{"a":1.0,"b":1e21,"c":-0,"d":0.000001,"e":1e-7}' }).toString();
    expect(text).toContain('"payload":{"a":1,"b":1e+21,"c":0,"d":0.000001,"e":1e-7}');
  });

  it("sorts keys by UTF-16 code units and keeps non-ASCII as UTF-8", () => {
    const text = signingInput({ ...base, payload: '{"é":1,"z":2,"\\u20ac":3,"😀":4}' }).toString("utf8");
    expect(text).toContain('"payload":{"z":2,"é":1,"€":3,"😀":4}');
  });

  it("throws a typed error when the payload is not JSON", () => {
    expect(() => signingInput({ ...base, payload: "{nope" })).toThrow(SigningInputError);
    try {
      signingInput({ ...base, payload: "" });
    } catch (err) {
      expect(err).toBeInstanceOf(SigningInputError);
      expect((err as SigningInputError).reason).toBe("payload_not_json");
    }
  });

  it("throws a typed error for a lone surrogate, which has no UTF-8 form", () => {
    try {
      signingInput({ ...base, payload: '{"a":"\\ud800"}' });
      expect.unreachable();
    } catch (err) {
      expect((err as SigningInputError).reason).toBe("not_canonicalizable");
    }
  });
});
