import { afterEach, beforeEach, describe, expect, it } from "vitest";

// What authenticate decides without a database: the admin token as a bearer
// token, malformed headers, and cookies that cannot be sessions. Sessions,
// API tokens and roles against PostgreSQL are in
// test/integration/accounts/accounts-routes.test.ts.
const { authenticate, UnauthorizedError } = await import("@/lib/api/auth.ts");
const { FirebreakError } = await import("@/lib/api/errors.ts");
const { clientAddress } = await import("@/lib/api/client-address.ts");

const TOKEN = "fbk_unit-test-admin-token-0123456789";

function request(method: string, headers: Record<string, string> = {}): Request {
  return new Request("http://dash.test/api/v1/records", { method, headers });
}

async function thrown(p: Promise<unknown>): Promise<InstanceType<typeof FirebreakError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FirebreakError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("authenticate without a database", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.FIREBREAK_TOKEN;
    process.env.FIREBREAK_TOKEN = TOKEN;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.FIREBREAK_TOKEN;
    else process.env.FIREBREAK_TOKEN = saved;
  });

  it("accepts the admin token as a bearer token at every level, any case of the scheme", async () => {
    expect(await authenticate(request("GET", { authorization: `Bearer ${TOKEN}` }), "admin")).toMatchObject({ kind: "admin", via: "bearer", role: "admin", actor: "admin (bearer)" });
    expect(await authenticate(request("POST", { authorization: `bearer ${TOKEN}` }), "oncall")).toMatchObject({ kind: "admin", role: "admin" });
  });

  it("rejects a wrong or malformed bearer token with invalid_token, without falling back to a cookie", async () => {
    const wrong = await thrown(authenticate(request("GET", { authorization: `Bearer ${TOKEN}x`, cookie: "fb_session=s1.whatever" })));
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect((wrong as InstanceType<typeof UnauthorizedError>).bearerError).toBe("invalid_token");
    expect(await thrown(authenticate(request("GET", { authorization: `Basic ${TOKEN}` })))).toBeInstanceOf(UnauthorizedError);
    expect(await thrown(authenticate(request("GET", { authorization: "Bearer" })))).toBeInstanceOf(UnauthorizedError);
  });

  it("401s with no credentials and says how to sign in", async () => {
    const err = await thrown(authenticate(request("GET")));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/sign in/);
  });

  it("says the session ended when the cookie cannot be one of ours", async () => {
    const err = await thrown(authenticate(request("GET", { cookie: "fb_session=v1.1.2.n.forged" })));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/session has ended/);
  });

  it("answers 503 with what to do when FIREBREAK_TOKEN is missing or short", async () => {
    delete process.env.FIREBREAK_TOKEN;
    const err = await thrown(authenticate(request("GET", { authorization: "Bearer anything-at-all-here" })));
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/FIREBREAK_TOKEN/);
    process.env.FIREBREAK_TOKEN = "short";
    expect((await thrown(authenticate(request("GET", { authorization: "Bearer anything-at-all-here" })))).status).toBe(503);
  });
});

describe("clientAddress", () => {
  const withXff = (xff: string | null, extra: Record<string, string> = {}) =>
    new Request("http://dash.test/api/v1/session", { headers: { ...(xff === null ? {} : { "x-forwarded-for": xff }), ...extra } });

  it("takes the X-Forwarded-For entry nearest to the server, skipping trusted proxy hops", () => {
    expect(clientAddress(withXff("203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientAddress(withXff("1.1.1.1, 203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientAddress(withXff("1.1.1.1, 203.0.113.9, 10.0.0.2"), 1)).toBe("203.0.113.9");
    // More hops than entries: the leftmost is all there is.
    expect(clientAddress(withXff("203.0.113.9"), 3)).toBe("203.0.113.9");
    expect(clientAddress(withXff("2001:db8::1"), 0)).toBe("2001:db8::1");
  });

  it("falls back to X-Real-IP, and never keys on something that is not an address", () => {
    expect(clientAddress(withXff(null, { "x-real-ip": "198.51.100.4" }), 0)).toBe("198.51.100.4");
    expect(clientAddress(withXff(null), 0)).toBe("unknown");
    expect(clientAddress(withXff("<script>"), 0)).toBe("unknown");
    expect(clientAddress(withXff("x".repeat(500)), 0)).toBe("unknown");
  });
});
