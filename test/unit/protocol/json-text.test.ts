import { describe, expect, it } from "vitest";
import { parseJsonText } from "@/lib/protocol/json-text.ts";

const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

describe("parseJsonText", () => {
  it("parses ordinary JSON, scalars included", () => {
    expect(parseJsonText('{"a":[1,{"b":null}]}')).toEqual({ value: { a: [1, { b: null }] } });
    expect(parseJsonText("42")).toEqual({ value: 42 });
    expect(parseJsonText('"x"')).toEqual({ value: "x" });
  });

  it("allows exactly maxDepth levels and refuses one more", () => {
    expect("value" in parseJsonText(nested(64))).toBe(true);
    expect(parseJsonText(nested(65))).toEqual({ problem: "too_deep", message: "nests deeper than 64 levels" });
    expect(parseJsonText(nested(3), 2)).toMatchObject({ problem: "too_deep" });
    expect("value" in parseJsonText(nested(3), 3)).toBe(true);
  });

  it("does not count brackets inside strings", () => {
    expect(parseJsonText(`{"a":"${"[{".repeat(100)}\\"]"}`, 1)).toEqual({ value: { a: `${"[{".repeat(100)}"]` } });
  });

  it("refuses a million-deep payload without a stack overflow", () => {
    expect(parseJsonText(nested(1_000_000))).toMatchObject({ problem: "too_deep" });
  });

  it("refuses invalid JSON with the parser's reason", () => {
    for (const text of ["", "{", "{'a':1}", "[1,]", "NaN", '{"a":1}x']) {
      expect(parseJsonText(text)).toMatchObject({ problem: "not_json" });
    }
  });

  it("refuses duplicate keys, also when spelled with escapes", () => {
    expect(parseJsonText('{"a":1,"a":2}')).toEqual({ problem: "duplicate_key", message: 'has duplicate key "a"' });
    expect(parseJsonText('{"a":1,"\\u0061":2}')).toMatchObject({ problem: "duplicate_key" });
    expect(parseJsonText('{"x":{"a":1,"b":{"a":3},"a":2}}')).toMatchObject({ problem: "duplicate_key" });
  });

  it("allows the same key in sibling and nested objects, and as a value", () => {
    expect("value" in parseJsonText('[{"a":1},{"a":2},{"b":{"a":3},"a":"a"}]')).toBe(true);
  });
});
