import { afterEach, beforeEach, describe, expect, it } from "vitest";


const { authenticate, hasValidSession, signIn, signOut, UnauthorizedError } = await import("@/lib/api/auth.ts");
const { FirebreakError } = await import("@/lib/api/errors.ts");
const { csrfTokenFor, issueSession } = await import("@/lib/api/session.ts");

const TOKEN = "fbk_unit-test-admin-token-0123456789";
const URL_BASE = "http://dash.test";

function request(method: string, headers: Record<string, string> = {}, url = `${URL_BASE}/api/v1/records`): Request {
  return new Request(url, { method, headers });
}

function sessionHeaders(): { cookie: string; csrf: string } {
  const s = issueSession(TOKEN);
  const csrf = csrfTokenFor(TOKEN, s);
  return { cookie: `fb_session=${s.value}; fb_csrf=${csrf}`, csrf };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("authenticate", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.FIREBREAK_TOKEN;
    process.env.FIREBREAK_TOKEN = TOKEN;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.FIREBREAK_TOKEN;
    else process.env.FIREBREAK_TOKEN = saved;
  });

  it("accepts the admin token as a bearer token, any case of the scheme", () => {
    expect(authenticate(request("GET", { authorization: `Bearer ${TOKEN}` }))).toMatchObject({ kind: "admin", via: "bearer", role: "admin" });
    expect(authenticate(request("POST", { authorization: `bearer ${TOKEN}` }))).toMatchObject({ kind: "admin", via: "bearer", role: "admin" });
  });

  it("rejects a wrong or malformed bearer token with invalid_token, without falling back to a cookie", () => {
    const { cookie } = sessionHeaders();
    const wrong = thrown(() => authenticate(request("GET", { authorization: `Bearer ${TOKEN}x`, cookie })));
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect((wrong as InstanceType<typeof UnauthorizedError>).bearerError).toBe("invalid_token");
    expect(thrown(() => authenticate(request("GET", { authorization: `Basic ${TOKEN}` })))).toBeInstanceOf(UnauthorizedError);
    expect(thrown(() => authenticate(request("GET", { authorization: "Bearer" })))).toBeInstanceOf(UnauthorizedError);
  });

  it("401s with no credentials and says how to sign in", () => {
    const err = thrown(() => authenticate(request("GET")));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as Error).message).toMatch(/sign in/);
    expect((err as InstanceType<typeof UnauthorizedError>).status).toBe(401);
  });

  it("accepts a session cookie for reads without a CSRF token", () => {
    const { cookie } = sessionHeaders();
    expect(authenticate(request("GET", { cookie }))).toMatchObject({ kind: "admin", via: "session", role: "admin" });
  });

  it("says the session expired when a stale cookie is sent", () => {
    const err = thrown(() => authenticate(request("GET", { cookie: "fb_session=v1.1.2.n.forged" })));
    expect((err as Error).message).toMatch(/expired|no longer valid/);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("rejects a cookie-authenticated %s without the CSRF header (403)", (method) => {
    const { cookie, csrf } = sessionHeaders();
    const err = thrown(() => authenticate(request(method, { cookie })));
    expect(err).toBeInstanceOf(FirebreakError);
    expect((err as InstanceType<typeof FirebreakError>).status).toBe(403);
    expect((err as Error).message).toMatch(/x-csrf-token/);
    expect(thrown(() => authenticate(request(method, { cookie, "x-csrf-token": `${csrf}x` })))).toBeInstanceOf(FirebreakError);
    expect(authenticate(request(method, { cookie, "x-csrf-token": csrf }))).toMatchObject({ kind: "admin", via: "session", role: "admin" });
  });

  it("rejects a CSRF token taken from another session", () => {
    const a = sessionHeaders();
    const b = sessionHeaders();
    const err = thrown(() => authenticate(request("PUT", { cookie: a.cookie, "x-csrf-token": b.csrf })));
    expect((err as InstanceType<typeof FirebreakError>).status).toBe(403);
  });

  it("rejects cross-site changes even with a valid CSRF token", () => {
    const { cookie, csrf } = sessionHeaders();
    const err = thrown(() => authenticate(request("PUT", { cookie, "x-csrf-token": csrf, "sec-fetch-site": "cross-site" })));
    expect((err as InstanceType<typeof FirebreakError>).status).toBe(403);
    expect(authenticate(request("PUT", { cookie, "x-csrf-token": csrf, "sec-fetch-site": "same-origin" })).via).toBe("session");
  });

  it("answers 503 with what to do when FIREBREAK_TOKEN is missing or short", () => {
    delete process.env.FIREBREAK_TOKEN;
    const err = thrown(() => authenticate(request("GET", { authorization: "Bearer anything-at-all-here" })));
    expect((err as InstanceType<typeof FirebreakError>).status).toBe(503);
    expect((err as Error).message).toMatch(/FIREBREAK_TOKEN/);
    process.env.FIREBREAK_TOKEN = "short";
    expect((thrown(() => hasValidSession("x")) as InstanceType<typeof FirebreakError>).status).toBe(503);
  });

  it("signs in with the token (trimmed) and sets both cookies", () => {
    const reply = signIn(request("POST", {}, `${URL_BASE}/api/v1/session`), `  ${TOKEN}\n`);
    const cookies = reply.headers.filter(([n]) => n === "set-cookie").map(([, v]) => v);
    expect(cookies).toHaveLength(2);
    const session = /^fb_session=([^;]+)/.exec(cookies[0] ?? "")?.[1];
    expect(hasValidSession(session)).toBe(true);
    expect(reply.body.csrfToken).toBe(/^fb_csrf=([^;]+)/.exec(cookies[1] ?? "")?.[1]);
  });

  it("sets Secure cookies behind an HTTPS proxy", () => {
    const reply = signIn(request("POST", { "x-forwarded-proto": "https" }, `${URL_BASE}/api/v1/session`), TOKEN);
    expect(reply.headers.every(([, v]) => v.includes("; Secure"))).toBe(true);
  });

  it("refuses a wrong token and cross-site sign-ins", () => {
    expect(thrown(() => signIn(request("POST"), "not-it"))).toBeInstanceOf(UnauthorizedError);
    const cross = thrown(() => signIn(request("POST", { "sec-fetch-site": "cross-site" }), TOKEN));
    expect((cross as InstanceType<typeof FirebreakError>).status).toBe(403);
  });

  it("signs out by clearing the cookies", () => {
    const reply = signOut(request("DELETE"));
    expect(reply.body).toEqual({ signedOut: true });
    expect(reply.headers.map(([, v]) => v).every((v) => v.includes("Max-Age=0"))).toBe(true);
  });
});
