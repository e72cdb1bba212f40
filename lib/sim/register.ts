// Gets a fleet into a Firebreak registry: over the HTTP API (what
// `npm run simulate` does against a running Firebreak), or through the
// registry service on a database (what tests do). Either way contracts
// first, then agents; an agent that is already registered (a re-run of the
// same namespace) is replaced, since its keys follow the seed.
import { DEFAULT_PROJECT } from "../accounts/project.ts";
import type { PrismaClient } from "../db/prisma.ts";
import type { RegistryConfig } from "../config/registry-config.ts";
import { FirebreakError } from "../api/errors.ts";
import { putContract, registerAgent, updateAgent } from "../registry/service.ts";
import type { Fleet } from "./fleet.ts";

export interface ApiTarget {
  /** Firebreak's dashboard/API base URL, e.g. http://localhost:3000 */
  baseUrl: string;
  /** The admin token (FIREBREAK_TOKEN, or .firebreak/admin-token). */
  token: string;
  fetch?: typeof fetch;
}

async function call(target: ApiTarget, method: string, path: string, body: unknown): Promise<Response> {
  const fetchFn = target.fetch ?? fetch;
  return fetchFn(`${target.baseUrl.replace(/\/+$/, "")}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

async function failure(res: Response, what: string): Promise<Error> {
  const text = await res.text();
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") message = parsed.error.message;
  } catch {
    // Not JSON: keep the text.
  }
  return new Error(`${what} failed (${res.status}): ${message}`);
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/** PUT /api/v1/contracts, then POST /api/v1/agents (PUT /api/v1/agents/:id when taken). */
export async function registerFleetViaApi(target: ApiTarget, fleet: Fleet): Promise<void> {
  for (const c of fleet.contracts) {
    const res = await call(target, "PUT", "/api/v1/contracts", c);
    if (!res.ok) throw await failure(res, `PUT /api/v1/contracts (${c.intent})`);
    await res.body?.cancel();
  }
  await pool(fleet.entries, 8, async (entry) => {
    const res = await call(target, "POST", "/api/v1/agents", entry);
    if (res.status === 409) {
      await res.body?.cancel();
      const again = await call(target, "PUT", `/api/v1/agents/${encodeURIComponent(entry.id)}`, entry);
      if (!again.ok) throw await failure(again, `PUT /api/v1/agents/${entry.id}`);
      await again.body?.cancel();
      return;
    }
    if (!res.ok) throw await failure(res, `POST /api/v1/agents (${entry.id})`);
    await res.body?.cancel();
  });
}

/** The same through lib/registry/service.ts on a Prisma client. */
export async function registerFleetViaService(db: PrismaClient, fleet: Fleet, config: Pick<RegistryConfig, "registrars">, project: string = DEFAULT_PROJECT): Promise<void> {
  for (const c of fleet.contracts) await putContract(db, project, c);
  await pool(fleet.entries, 8, async (entry) => {
    try {
      await registerAgent(db, project, entry, config);
    } catch (err) {
      if (!(err instanceof FirebreakError) || err.code !== "conflict") throw err;
      await updateAgent(db, project, entry.id, entry, config);
    }
  });
}
