import { describe, expect, it } from "vitest";
import { parseCookies, serializeCookie } from "@/lib/api/cookies.ts";
import {
  SESSION_TTL_MS,
  clearedSessionCookies,
  constantTimeEqual,
  csrfTokenFor,
  issueSession,
  sessionCookies,
  verifyCsrf,
  verifySession,
} from "@/lib/api/session.ts";

const KEY = "fbk_unit-test-admin-token-0123456789";
const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("session cookie", () => {
  it("verifies a session it issued until it expires", () => {
    const s = issueSession(KEY, NOW);
    expect(verifySession(KEY, s.value, NOW)?.expiresAt).toBe(NOW + SESSION_TTL_MS);
    expect(verifySession(KEY, s.value, NOW + SESSION_TTL_MS - 1)).not.toBeNull();
    expect(verifySession(KEY, s.value, NOW + SESSION_TTL_MS)).toBeNull();
  });

  it("makes distinct values for sign-ins in the same millisecond", () => {
    expect(issueSession(KEY, NOW).value).not.toBe(issueSession(KEY, NOW).value);
  });

  it("rejects a session signed with another token (a rotated token signs everyone out)", () => {
    const s = issueSession(KEY, NOW);
    expect(verifySession(`${KEY}-rotated`, s.value, NOW)).toBeNull();
  });

  it("rejects an edited expiry, issue time or MAC", () => {
    const s = issueSession(KEY, NOW);
    const [v, iat, exp, nonce, mac] = s.value.split(".") as [string, string, string, string, string];
    expect(verifySession(KEY, [v, iat, String(Number(exp) + 1e9), nonce, mac].join("."), NOW)).toBeNull();
    expect(verifySession(KEY, [v, String(Number(iat) - 1), exp, nonce, mac].join("."), NOW)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith("A") ? "B" : "A");
    expect(verifySession(KEY, [v, iat, exp, nonce, flipped].join("."), NOW)).toBeNull();
  });

  it("rejects sessions issued in the future beyond clock skew", () => {
    const s = issueSession(KEY, NOW + 10 * 60_000);
    expect(verifySession(KEY, s.value, NOW)).toBeNull();
    const near = issueSession(KEY, NOW + 30_000);
    expect(verifySession(KEY, near.value, NOW)).not.toBeNull();
  });

  it.each(["", "v1", "v1.1.2.3", "v2.1.2.n.mac", "v1.a.b.n.mac", "v1.1.2..mac", "v1.99999999999999999.1.n.mac", "....", "v1.1.2.n.mac.extra"])(
    "rejects the malformed value %j",
    (value) => {
      expect(verifySession(KEY, value, NOW)).toBeNull();
    },
  );

  it("rejects absent cookies", () => {
    expect(verifySession(KEY, undefined, NOW)).toBeNull();
    expect(verifySession(KEY, null, NOW)).toBeNull();
  });
});

describe("CSRF token", () => {
  it("is bound to its session", () => {
    const a = issueSession(KEY, NOW);
    const b = issueSession(KEY, NOW);
    const ta = csrfTokenFor(KEY, a);
    expect(verifyCsrf(KEY, a, ta, ta)).toBe(true);
    expect(verifyCsrf(KEY, b, ta, ta)).toBe(false);
  });

  it("needs both the header and the cookie, equal to the session's token", () => {
    const s = issueSession(KEY, NOW);
    const t = csrfTokenFor(KEY, s);
    expect(verifyCsrf(KEY, s, null, t)).toBe(false);
    expect(verifyCsrf(KEY, s, t, undefined)).toBe(false);
    expect(verifyCsrf(KEY, s, "attacker", "attacker")).toBe(false);
    expect(verifyCsrf(KEY, s, t, "planted-by-a-sibling-site")).toBe(false);
  });
});

describe("constantTimeEqual", () => {
  it("compares content, including different lengths and empty strings", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("", "a")).toBe(false);
  });
});

describe("cookie serialisation", () => {
  it("marks the session HttpOnly and the CSRF cookie readable, both SameSite=Strict", () => {
    const s = issueSession(KEY, NOW);
    const [session, csrf] = sessionCookies(KEY, s, false, NOW);
    expect(session).toMatch(/^fb_session=v1\./);
    expect(session).toContain("HttpOnly");
    expect(session).toContain("SameSite=Strict");
    expect(session).toContain(`Max-Age=${SESSION_TTL_MS / 1000}`);
    expect(session).not.toContain("Secure");
    expect(csrf).toMatch(/^fb_csrf=/);
    expect(csrf).not.toContain("HttpOnly");
    expect(csrf).toContain("SameSite=Strict");
    expect(sessionCookies(KEY, s, true, NOW).every((c) => c.includes("; Secure"))).toBe(true);
  });

  it("clears both cookies on sign-out", () => {
    for (const c of clearedSessionCookies(false)) {
      expect(c).toMatch(/^fb_(session|csrf)=;/);
      expect(c).toContain("Max-Age=0");
      expect(c).toContain("Expires=Thu, 01 Jan 1970");
    }
  });

  it("never writes a negative Max-Age", () => {
    expect(serializeCookie("a", "b", { httpOnly: false, secure: false, maxAge: -5 })).toContain("Max-Age=0");
  });
});

describe("parseCookies", () => {
  it("reads names and values, first duplicate wins, quotes dropped", () => {
    const m = parseCookies('a=1; b="two"; a=3;  c = x=y ; =bad; novalue');
    expect(m.get("a")).toBe("1");
    expect(m.get("b")).toBe("two");
    expect(m.get("c")).toBe("x=y");
    expect(m.has("")).toBe(false);
    expect(m.has("novalue")).toBe(false);
  });

  it("handles no header", () => {
    expect(parseCookies(null).size).toBe(0);
    expect(parseCookies("").size).toBe(0);
  });
});
