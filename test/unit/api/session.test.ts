import { describe, expect, it } from "vitest";
import { parseCookies, serializeCookie } from "@/lib/api/cookies.ts";
import { adminTokenBinding, clearedSessionCookies, constantTimeEqual, csrfTokenFor, newSessionValue, sessionCookies, sessionIdOf, verifyCsrf } from "@/lib/api/session.ts";

const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("session cookie", () => {
  it("makes 256-bit random values whose stored id is their SHA-256", () => {
    const a = newSessionValue();
    const b = newSessionValue();
    expect(a).toMatch(/^s1\.[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(sessionIdOf(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionIdOf(a)).not.toBe(sessionIdOf(b));
  });

  it.each([undefined, null, "", "s1.short", `s2.${"a".repeat(43)}`, `v1.1.2.n.mac`, `s1.${"a".repeat(42)}!`])("has no id for %s", (v) => {
    expect(sessionIdOf(v)).toBeNull();
  });

  it("binds the CSRF token to the session: header and cookie must both match it", () => {
    const s = newSessionValue();
    const other = newSessionValue();
    const csrf = csrfTokenFor(s);
    expect(csrf).not.toBe(csrfTokenFor(other));
    expect(verifyCsrf(s, csrf, csrf)).toBe(true);
    expect(verifyCsrf(s, csrf, undefined)).toBe(false);
    expect(verifyCsrf(s, null, csrf)).toBe(false);
    expect(verifyCsrf(s, `${csrf}x`, csrf)).toBe(false);
    // A planted fb_csrf cookie that matches a forged header is still not this session's token.
    expect(verifyCsrf(s, csrfTokenFor(other), csrfTokenFor(other))).toBe(false);
  });

  it("sets an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie; Secure on https", () => {
    const s = newSessionValue();
    const [session, csrf] = sessionCookies(s, NOW + 3_600_000, false, NOW);
    expect(session).toBe(`fb_session=${s}; Path=/; Max-Age=3600; SameSite=Strict; HttpOnly`);
    expect(csrf).toBe(`fb_csrf=${csrfTokenFor(s)}; Path=/; Max-Age=3600; SameSite=Strict`);
    expect(sessionCookies(s, NOW + 1000, true, NOW).every((c) => c.endsWith("; Secure"))).toBe(true);
    expect(clearedSessionCookies(false).every((c) => c.includes("Max-Age=0") && c.includes("Expires=Thu, 01 Jan 1970"))).toBe(true);
  });

  it("compares secrets in constant time whatever their lengths", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});

describe("cookies", () => {
  it("parses a Cookie header; the first of duplicates wins; quotes are dropped", () => {
    const m = parseCookies('a=1; fb_session="x.y"; a=2; bad; =nope');
    expect(m.get("a")).toBe("1");
    expect(m.get("fb_session")).toBe("x.y");
    expect(m.size).toBe(2);
    expect(parseCookies(null).size).toBe(0);
  });

  it("serializes with Path, Max-Age and SameSite=Strict", () => {
    expect(serializeCookie("n", "v", { httpOnly: false, secure: false, maxAge: 10.7 })).toBe("n=v; Path=/; Max-Age=10; SameSite=Strict");
  });

  it("binds an admin-token session to the token and to its own cookie", () => {
    const a = newSessionValue();
    const b = newSessionValue();
    const token = "fbk_binding-test-token-0123456789";
    expect(adminTokenBinding(a, token)).toBe(adminTokenBinding(a, token));
    expect(adminTokenBinding(a, token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(adminTokenBinding(a, `${token}x`)).not.toBe(adminTokenBinding(a, token));
    // Keyed by the cookie: two sessions of one token store unrelated values.
    expect(adminTokenBinding(b, token)).not.toBe(adminTokenBinding(a, token));
    expect(adminTokenBinding(a, token)).not.toBe(csrfTokenFor(a));
  });
});
