import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp.ts";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => { const [name, ...values] = d.split(" "); return [name!, values]; }));

describe("the dashboard's Content-Security-Policy", () => {
  it("runs only scripts with this response's nonce, and what they load", () => {
    const nonce = newNonce();
    const d = directives(contentSecurityPolicy(nonce));
    expect(d.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("base-uri")).toEqual(["'none'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("form-action")).toEqual(["'self'"]);
    expect(d.get("connect-src")).toEqual(["'self'"]);
    // Nothing anywhere lets a string become code, or an inline script run without the nonce.
    for (const [name, values] of d) {
      expect(values, name).not.toContain("'unsafe-eval'");
      if (name !== "style-src") expect(values, name).not.toContain("'unsafe-inline'");
    }
  });

  it("allows eval and the hot-reload socket only for next dev", () => {
    const d = directives(contentSecurityPolicy(newNonce(), { dev: true }));
    expect(d.get("script-src")).toContain("'unsafe-eval'");
    expect(d.get("connect-src")).toEqual(["'self'", "ws:"]);
  });

  it("makes a fresh 128-bit nonce each time and refuses one that could break out of the header", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
    expect(() => contentSecurityPolicy("short")).toThrow(/nonce/);
    expect(() => contentSecurityPolicy("AAAAAAAAAAAAAAAAAAAAAA=='; script-src *")).toThrow(/nonce/);
  });
});
