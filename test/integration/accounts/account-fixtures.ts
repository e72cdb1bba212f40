// Calls the account routes as Next does, and signs people in: each helper
// returns what a browser or a program would hold afterwards.
import { expect } from "vitest";
import type { Role } from "@/lib/accounts/roles.ts";
import type { TokenScope } from "@/lib/accounts/api-token.ts";
import { CreatedTokenView, SignInView, UserView } from "@/lib/api/account-views.ts";

export const BASE = "http://dash.test";

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

export const bearerOf = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export const get = (path: string, headers: Record<string, string>): Request => new Request(`${BASE}${path}`, { headers });

export const send = (method: string, path: string, body: unknown, headers: Record<string, string>): Request =>
  new Request(`${BASE}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

export const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

/** A browser after signing in: its Cookie header and the CSRF token its page script echoes. */
export interface Browser {
  cookie: string;
  csrf: string;
  /** Headers for a read. */
  reads: Record<string, string>;
  /** Headers for a change: cookie plus x-csrf-token. */
  writes: Record<string, string>;
}

export function browserFrom(res: Response, body: SignInView): Browser {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { cookie, csrf: body.csrfToken, reads: { cookie }, writes: { cookie, "x-csrf-token": body.csrfToken } };
}

export interface PasswordUser {
  id: string;
  name: string;
  password: string;
  role: Role;
}

let counter = 0;

/** A user made through POST /api/v1/users with the admin's credentials. */
export async function makeUser(usersPost: Handler, admin: Record<string, string>, role: Role, name = `${role}-${++counter}`): Promise<PasswordUser> {
  const password = `correct horse ${name} battery`;
  const res = await usersPost(send("POST", "/api/v1/users", { name, role, password }, admin));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const user = UserView.parse(JSON.parse(text));
  return { id: user.id, name: user.name, password, role };
}

/** Signs in with name and password from `address`; fails the test unless it works. */
export async function signInAs(sessionPost: Handler, user: Pick<PasswordUser, "name" | "password">, address = "192.0.2.10"): Promise<Browser> {
  const res = await sessionPost(send("POST", "/api/v1/session", { name: user.name, password: user.password }, { "x-forwarded-for": address }));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return browserFrom(res, SignInView.parse(JSON.parse(text)));
}

export async function makeToken(
  tokensPost: Handler,
  admin: Record<string, string>,
  spec: { name: string; scope: TokenScope; role?: Role; ownerId?: string; environment?: string },
): Promise<CreatedTokenView> {
  const res = await tokensPost(send("POST", "/api/v1/tokens", spec, admin));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return CreatedTokenView.parse(JSON.parse(text));
}
