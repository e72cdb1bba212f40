import "server-only";
import { z } from "zod";
import { authenticate, UnauthorizedError, type AuthLevel, type Principal } from "./auth.ts";
import { FirebreakError, TooManyRequestsError } from "./errors.ts";
import { Reply } from "./reply.ts";

// The one wrapper every /api/v1 route handler goes through: authenticate,
// parse params, query and body with zod, run one lib call, and map what it
// returns or throws to a JSON response. It uses only Web Request/Response,
// so it needs nothing from Next and unit tests call it directly.

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteSpec<Q extends Schema | undefined, B extends Schema | undefined, P extends Schema | undefined> {
  /** "none" for the few routes a stranger may call: sign-in, the OpenAPI document. */
  auth: AuthLevel | "none";
  query?: Q;
  body?: B;
  params?: P;
}

export interface RouteInput<Q, B, P> {
  query: Out<Q>;
  body: Out<B>;
  params: Out<P>;
  request: Request;
  principal: Principal | null;
}

/** What Next passes as the second argument of a route handler. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

/** Bodies above this are refused before parsing; registry entries and contracts are far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function route<Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  spec: RouteSpec<Q, B, P>,
  fn: (input: RouteInput<Q, B, P>) => unknown,
): (request: Request, context?: RouteContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const principal = spec.auth === "none" ? null : await authenticate(request, spec.auth);
      const params = spec.params ? parseWith(spec.params, (await context?.params) ?? {}, "params") : undefined;
      const query = spec.query ? parseWith(spec.query, queryObject(new URL(request.url).searchParams), "query") : undefined;
      const body = spec.body ? parseWith(spec.body, await readJson(request), "body") : undefined;
      const result = await fn({ query, body, params, request, principal } as RouteInput<Q, B, P>);
      if (result instanceof Response) return result;
      if (result instanceof Reply) return json(result.body, result.status, result.headers);
      return json(result, 200);
    } catch (err) {
      return errorResponse(err, request);
    }
  };
}

/** The JSON error response for anything a route threw. */
export function errorResponse(err: unknown, request?: Request): Response {
  if (err instanceof z.ZodError) {
    const details = zodDetails(err, "");
    return json(errorBody("bad_request", describeInvalid(details, "input"), details), 400);
  }
  if (err instanceof InvalidInput) {
    return json(errorBody("bad_request", describeInvalid(err.details, err.where), err.details), 400);
  }
  if (err instanceof FirebreakError) {
    const headers: [string, string][] = [];
    if (err instanceof UnauthorizedError) {
      headers.push(["www-authenticate", `Bearer realm="firebreak"${err.bearerError ? `, error="${err.bearerError}"` : ""}`]);
    } else if (err.status === 401) {
      headers.push(["www-authenticate", 'Bearer realm="firebreak"']);
    } else if (err instanceof TooManyRequestsError) {
      headers.push(["retry-after", String(err.retryAfterSeconds)]);
    }
    return json(errorBody(err.code, err.message, err.details), err.status, headers);
  }
  const where = request ? `${request.method} ${new URL(request.url).pathname}` : "request";
  console.error(`[api] ${where} failed:`, err);
  return json(errorBody("internal", "internal error: the server log has the details"), 500);
}

class InvalidInput extends Error {
  constructor(
    readonly where: "params" | "query" | "body",
    readonly details: { path: string; message: string }[],
  ) {
    super(`invalid ${where}`);
  }
}

function parseWith<S extends Schema>(schema: S, value: unknown, where: "params" | "query" | "body"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInput(where, zodDetails(parsed.error, where));
  return parsed.data;
}

function zodDetails(err: z.ZodError, prefix: string): { path: string; message: string }[] {
  return err.issues.map((issue) => ({ path: formatPath(prefix, issue.path), message: issue.message }));
}

/** ["keys", 0, "publicKey"] under "body" -> "body.keys[0].publicKey". */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(root)" : out;
}

function describeInvalid(details: { path: string; message: string }[], where: string): string {
  const first = details[0];
  if (!first) return `invalid ${where}`;
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? "s" : ""}, see details)` : "";
  return `invalid ${where}: ${first.path}: ${first.message}${more}`;
}

/** Query string -> plain object. Empty values count as absent; a repeated key becomes an array. */
export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    if (value === "") continue;
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new FirebreakError("unsupported_media_type", `the body must be JSON: send it with \`Content-Type: application/json\` (got ${type})`);
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new FirebreakError("payload_too_large", `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new FirebreakError("payload_too_large", `the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === "") throw new FirebreakError("bad_request", "the body is empty: send a JSON object");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FirebreakError("bad_request", `body is not valid JSON: ${(err as Error).message}`);
  }
}

function errorBody(code: string, message: string, details: { path: string; message: string }[] = []): ErrorBody {
  return { error: { code, message, details } };
}

function json(body: unknown, status: number, headers: readonly (readonly [string, string])[] = []): Response {
  const h = new Headers({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  for (const [name, value] of headers) h.append(name, value);
  return new Response(JSON.stringify(body), { status, headers: h });
}
