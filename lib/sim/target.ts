// Which Firebreak the simulator talks to: the API (registration, verdicts)
// and the collector (records), with the admin token. Flags win over the
// environment, which wins over the defaults of `npm start` on this machine.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { resolveDataDir } from "../config/data-dir.ts";
import type { SimRegistrar } from "./fleet.ts";

export const SimEnv = z.object({
  FIREBREAK_URL: z.url().optional(),
  FIREBREAK_COLLECTOR_URL: z.url().optional(),
  FIREBREAK_TOKEN: z.string().trim().min(16, { error: "FIREBREAK_TOKEN must be at least 16 characters long" }).optional(),
  FIREBREAK_DATA_DIR: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  FIREBREAK_COLLECTOR_PORT: z.coerce.number().int().min(1).max(65535).default(4318),
  FIREBREAK_ALLOW_UNATTESTED: z.enum(["true", "false"]).default("true"),
  /** "<keyId>:<base64url Ed25519 seed>": a registrar the simulator attests its fleet with (list its public key in FIREBREAK_REGISTRARS). */
  FIREBREAK_SIM_REGISTRAR: z
    .string()
    .regex(/^[\x21-\x7e]+:[A-Za-z0-9_-]{43}$/, { error: "FIREBREAK_SIM_REGISTRAR must be <keyId>:<43 base64url characters of an Ed25519 seed>" })
    .optional(),
});
export type SimEnv = z.infer<typeof SimEnv>;

export interface FirebreakTarget {
  /** Dashboard and API, e.g. http://localhost:3000 */
  apiBase: string;
  /** OTLP/HTTP traces, e.g. http://localhost:4318/v1/traces */
  collector: string;
  token: string;
  allowUnattested: boolean;
  registrar?: SimRegistrar;
}

export function parseSimEnv(env: Record<string, string | undefined>): SimEnv {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = SimEnv.safeParse(blankless);
  if (!parsed.success) throw new Error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

export function resolveTarget(flags: { api?: string; endpoint?: string; token?: string }, env: SimEnv, tokenOptional = false): FirebreakTarget {
  const token = flags.token ?? env.FIREBREAK_TOKEN ?? readTokenFile(env.FIREBREAK_DATA_DIR);
  if (token === null && !tokenOptional) {
    throw new Error("No admin token: set FIREBREAK_TOKEN, pass --token, or start Firebreak with `npm start` (it keeps one in .firebreak/admin-token).");
  }
  const registrar = env.FIREBREAK_SIM_REGISTRAR;
  const colon = registrar?.lastIndexOf(":") ?? -1;
  return {
    apiBase: flags.api ?? env.FIREBREAK_URL ?? `http://localhost:${env.PORT}`,
    collector: flags.endpoint ?? env.FIREBREAK_COLLECTOR_URL ?? `http://localhost:${env.FIREBREAK_COLLECTOR_PORT}/v1/traces`,
    token: token ?? "",
    allowUnattested: env.FIREBREAK_ALLOW_UNATTESTED === "true",
    ...(registrar !== undefined && colon > 0 ? { registrar: { keyId: registrar.slice(0, colon), privateKey: registrar.slice(colon + 1) } } : {}),
  };
}

function readTokenFile(dataDirEnv: string | undefined): string | null {
  const file = path.join(resolveDataDir(dataDirEnv), "admin-token");
  if (!existsSync(file)) return null;
  const token = readFileSync(file, "utf8").trim();
  return token.length >= 16 ? token : null;
}

/** The token file `npm start` writes, once it exists (a first start generates it). */
export async function waitForTokenFile(dataDirEnv: string | undefined, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const token = readTokenFile(dataDirEnv);
    if (token !== null) return token;
    if (Date.now() > deadline) throw new Error(`no admin token appeared in ${path.join(resolveDataDir(dataDirEnv), "admin-token")} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits until the collector answers /healthz and the API answers an authenticated read. */
export async function waitForFirebreak(target: FirebreakTarget, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const health = new URL(target.collector);
  health.pathname = "/healthz";
  let last = "";
  for (;;) {
    if (signal?.aborted) throw new Error("aborted");
    try {
      const [c, a] = await Promise.all([
        fetch(health, { signal: AbortSignal.timeout(3000) }),
        fetch(`${target.apiBase.replace(/\/+$/, "")}/api/v1/contracts`, { headers: { authorization: `Bearer ${target.token}` }, signal: AbortSignal.timeout(3000) }),
      ]);
      await c.body?.cancel();
      await a.body?.cancel();
      if (c.ok && a.ok) return;
      if (a.status === 401) throw new Error(`the API at ${target.apiBase} refused the admin token (401): check FIREBREAK_TOKEN`);
      last = `collector ${c.status}, API ${a.status}`;
    } catch (err) {
      if ((err as Error).message.includes("refused the admin token")) throw err;
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Firebreak is not answering (collector ${target.collector}, API ${target.apiBase}): ${last}. Start it with \`npm start\`.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The collector polls the registry every second; give it a moment to see a fleet just registered. */
export const REGISTRY_SETTLE_MS = 1_500;
