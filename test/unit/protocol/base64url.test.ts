import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url } from "@/lib/protocol/base64url.ts";

describe("base64url", () => {
  it("round-trips every length without padding", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256));
      const text = encodeBase64url(bytes);
      expect(text).not.toContain("=");
      expect(decodeBase64url(text)?.equals(bytes)).toBe(true);
    }
  });

  it.each(["AA=", "A", "AA+", "AA/", "AA AA", "AAA\n", "AA", "AB"])("decides %j strictly", (text) => {
    // "AA" is the canonical spelling of 0x00; "AB" has nonzero trailing bits and names the same byte.
    const expected = text === "AA" ? Buffer.from([0]) : null;
    expect(decodeBase64url(text)).toEqual(expected);
  });

  it("encodes a view of a larger buffer, not the whole buffer", () => {
    const big = Buffer.from([1, 2, 3, 4]);
    expect(encodeBase64url(big.subarray(1, 3))).toBe(Buffer.from([2, 3]).toString("base64url"));
  });
});
