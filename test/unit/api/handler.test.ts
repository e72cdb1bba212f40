import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";


const { route, formatPath, queryObject, errorResponse, MAX_BODY_BYTES } = await import("@/lib/api/handler.ts");
const { FirebreakError, TooManyRequestsError, notFound } = await import("@/lib/api/errors.ts");
const { Reply, created } = await import("@/lib/api/reply.ts");
const { ErrorView } = await import("@/lib/api/views.ts");

const TOKEN = "fbk_unit-test-admin-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

async function errorOf(res: Response): Promise<z.infer<typeof ErrorView>["error"]> {
  return ErrorView.parse(await res.json()).error;
}

describe("route()", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.FIREBREAK_TOKEN;
    process.env.FIREBREAK_TOKEN = TOKEN;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.FIREBREAK_TOKEN;
    else process.env.FIREBREAK_TOKEN = saved;
  });

  const Query = z.object({ limit: z.coerce.number().int().max(10, { error: "limit must be at most 10" }).default(5), tag: z.array(z.string()).optional() });
  const list = route({ auth: "viewer", query: Query }, ({ query }) => ({ got: query }));

  it("parses the query and answers 200 JSON, no-store", async () => {
    const res = await list(new Request("http://x/api/v1/t?limit=7", { headers: auth }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ got: { limit: 7 } });
  });

  it("maps a query that fails validation to 400 with the path and what to fix", async () => {
    const res = await list(new Request("http://x/api/v1/t?limit=70", { headers: auth }));
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe("bad_request");
    expect(err.message).toBe("invalid query: query.limit: limit must be at most 10");
    expect(err.details).toEqual([{ path: "query.limit", message: "limit must be at most 10" }]);
  });

  it("counts further problems in the message", async () => {
    const r = route({ auth: "viewer", query: z.object({ a: z.string(), b: z.string(), c: z.string() }) }, () => null);
    const err = await errorOf(await r(new Request("http://x/t", { headers: auth })));
    expect(err.message).toMatch(/\(and 2 more problems, see details\)$/);
    expect(err.details.map((d) => d.path)).toEqual(["query.a", "query.b", "query.c"]);
  });

  it("401s before parsing anything, with WWW-Authenticate: Bearer", async () => {
    const fn = vi.fn();
    const r = route({ auth: "viewer", query: Query }, fn);
    const res = await r(new Request("http://x/t?limit=nope"));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="firebreak"');
    expect(fn).not.toHaveBeenCalled();
    const wrong = await r(new Request("http://x/t", { headers: { authorization: "Bearer nope" } }));
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="firebreak", error="invalid_token"');
  });

  it("lets auth: none through without credentials", async () => {
    const r = route({ auth: "none" }, () => ({ ok: true }));
    expect((await r(new Request("http://x/t"))).status).toBe(200);
  });

  describe("bodies", () => {
    const Body = z.object({ name: z.string().min(1) });
    const post = route({ auth: "admin", body: Body }, ({ body }) => created({ hello: body.name }));
    const req = (body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) =>
      new Request("http://x/t", { method: "POST", headers: { ...auth, ...headers }, body });

    it("parses JSON and honours a Reply's status", async () => {
      const res = await post(req(JSON.stringify({ name: "a" })));
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ hello: "a" });
    });

    it("says malformed JSON is not valid JSON, with the parser's reason", async () => {
      const err = await errorOf(await post(req('{"name": ')));
      expect(err.message).toMatch(/^body is not valid JSON: /);
    });

    it("rejects empty bodies, other media types and oversized bodies", async () => {
      expect((await errorOf(await post(req("")))).message).toMatch(/body is empty/);
      const form = await post(req("name=a", { "content-type": "application/x-www-form-urlencoded" }));
      expect(form.status).toBe(415);
      expect((await errorOf(form)).message).toMatch(/Content-Type: application\/json/);
      const big = await post(req(JSON.stringify({ name: "x".repeat(MAX_BODY_BYTES) })));
      expect(big.status).toBe(413);
    });

    it("accepts +json types and a body with no content type, but not text/plain", async () => {
      // A string body gets text/plain from Request itself; bytes get no type at all.
      expect((await post(req(JSON.stringify({ name: "a" }), {}))).status).toBe(415);
      expect((await post(req(new TextEncoder().encode(JSON.stringify({ name: "a" })), {}))).status).toBe(201);
      expect((await post(req(JSON.stringify({ name: "a" }), { "content-type": "application/merge-patch+json" }))).status).toBe(201);
    });

    it("reports body paths with indexes", async () => {
      const r = route({ auth: "admin", body: z.object({ keys: z.array(z.object({ id: z.string() })) }) }, () => null);
      const err = await errorOf(await r(req(JSON.stringify({ keys: [{ id: "a" }, { id: 7 }] }))));
      expect(err.details[0]?.path).toBe("body.keys[1].id");
    });
  });

  it("parses params from Next's promised context", async () => {
    const r = route({ auth: "viewer", params: z.object({ id: z.string().min(3) }) }, ({ params }) => ({ id: params.id }));
    const ok = await r(new Request("http://x/t", { headers: auth }), { params: Promise.resolve({ id: "abc" }) });
    expect(await ok.json()).toEqual({ id: "abc" });
    const bad = await r(new Request("http://x/t", { headers: auth }), { params: Promise.resolve({ id: "a" }) });
    expect((await errorOf(bad)).details[0]?.path).toBe("params.id");
  });

  it("maps typed errors to their status and a ZodError from the lib call to 400", async () => {
    const missing = route({ auth: "viewer" }, () => {
      throw notFound("no agent has the id x");
    });
    const res = await missing(new Request("http://x/t", { headers: auth }));
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ code: "not_found", message: "no agent has the id x", details: [] });

    const zod = route({ auth: "viewer" }, () => z.object({ a: z.number() }).parse({ a: "x" }));
    const zres = await zod(new Request("http://x/t", { headers: auth }));
    expect(zres.status).toBe(400);
    expect((await errorOf(zres)).details[0]?.path).toBe("a");

    const conflict = route({ auth: "viewer" }, () => {
      throw new FirebreakError("conflict", "exists", [{ path: "body.id", message: "taken" }]);
    });
    const cres = await conflict(new Request("http://x/t", { headers: auth }));
    expect(cres.status).toBe(409);
    expect((await errorOf(cres)).details).toEqual([{ path: "body.id", message: "taken" }]);
  });

  it("hides unknown errors behind a generic 500 and logs the real one", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = route({ auth: "viewer" }, async () => {
      throw new Error("connection string postgres://secret@db leaked?");
    });
    const res = await boom(new Request("http://x/api/v1/boom", { headers: auth }));
    expect(res.status).toBe(500);
    const err = await errorOf(res);
    expect(err.code).toBe("internal");
    expect(err.message).not.toMatch(/secret/);
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]?.[0])).toContain("GET /api/v1/boom");
  });

  it("passes a Response through and writes Reply headers, repeated ones kept", async () => {
    const raw = route({ auth: "none" }, () => new Response("plain", { status: 202 }));
    expect((await raw(new Request("http://x/t"))).status).toBe(202);
    const withCookies = route({ auth: "none" }, () => new Reply({ ok: 1 }, 200, [["set-cookie", "a=1"], ["set-cookie", "b=2"]]));
    const res = await withCookies(new Request("http://x/t"));
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });
});

describe("helpers", () => {
  it("queryObject drops empty values and collects repeated keys", () => {
    expect(queryObject(new URLSearchParams("a=1&b=&c=x&c=y&c=z"))).toEqual({ a: "1", c: ["x", "y", "z"] });
    expect(queryObject(new URLSearchParams(""))).toEqual({});
  });

  it("formatPath joins names and indexes", () => {
    expect(formatPath("body", ["keys", 0, "publicKey"])).toBe("body.keys[0].publicKey");
    expect(formatPath("", ["a", 2])).toBe("a[2]");
    expect(formatPath("", [])).toBe("(root)");
    expect(formatPath("query", [])).toBe("query");
  });

  it("errorResponse works without a request", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = errorResponse("a string was thrown");
    expect(res.status).toBe(500);
    vi.restoreAllMocks();
  });

  it("answers a TooManyRequestsError with 429, Retry-After and the message", async () => {
    const res = errorResponse(new TooManyRequestsError("too many failed sign-ins: try again in 31 seconds", 31));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("31");
    expect((await errorOf(res)).message).toMatch(/try again in 31 seconds/);
  });
});
