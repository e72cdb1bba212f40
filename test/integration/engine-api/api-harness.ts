// Calls the engine's route handlers as Next does (a Web Request and a
// promised params object) against a fresh database: open one per test file
// before importing any route, since the database client reads the env once.
import { expect } from "vitest";
import type { z } from "zod";
import { ErrorView } from "@/lib/api/views.ts";
import { createPool } from "@/lib/db/ingest-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

export const TOKEN = "fbk_engine-api-test-token-0123456789";
const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };

export async function openApiDatabase(): Promise<{ tdb: TestDatabase; pool: ReturnType<typeof createPool>; close(): Promise<void> }> {
  const tdb = await createTestDatabase();
  process.env.DATABASE_URL = tdb.url;
  process.env.FIREBREAK_TOKEN = TOKEN;
  const pool = createPool(tdb.url, 4);
  return {
    tdb,
    pool,
    async close() {
      const served = await import("@/lib/db/pool.ts");
      await served.pool().end();
      await pool.end();
      await tdb.drop();
    },
  };
}

export const get = (path: string, headers: Record<string, string> = bearer): Request => new Request(`${BASE}${path}`, { headers });

export const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = bearer): Request =>
  new Request(`${BASE}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

export const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

/** The body of a response with this status, checked against the schema the API documents. */
export async function expectBody<S extends z.ZodType>(res: Response | Promise<Response>, status: number, schema: S): Promise<z.output<S>> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/** An error response with this status; returns the error for its message and details. */
export async function expectError(res: Response | Promise<Response>, status: number): Promise<ErrorView["error"]> {
  return (await expectBody(res, status, ErrorView)).error;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
