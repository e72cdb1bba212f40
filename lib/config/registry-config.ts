// Who may attest registry entries, and what an unattested entry is worth.
//
// FIREBREAK_REGISTRARS       JSON object {"<keyId>": "<raw Ed25519 public key, base64url>"}
// FIREBREAK_REGISTRARS_FILE  path to a file holding that same JSON (set one or the other)
// FIREBREAK_ALLOW_UNATTESTED "true" (default) or "false"
//
// allowUnattested defaults to true so that `npm start` and the demo work
// with no registrar set up. That is not a silent trust: an unattested agent is
// shown as unattested everywhere and each of its records carries the
// `unattested_agent` verdict. Production sets it to "false" (and configures a
// registrar), and then records of unattested agents are not `verified`.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Registrars } from "../registry/attestation.ts";
import { Ed25519PublicKey, KeyId } from "../registry/schema.ts";
import { issueDetails, summarize } from "../registry/validation.ts";

const unsetIfBlank = (value: unknown): unknown => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const RegistryConfigEnv = z.object({
  FIREBREAK_REGISTRARS: z.preprocess(unsetIfBlank, z.string().optional()),
  FIREBREAK_REGISTRARS_FILE: z.preprocess(unsetIfBlank, z.string().optional()),
  FIREBREAK_ALLOW_UNATTESTED: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
    z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("true"),
  ),
});
export type RegistryConfigEnv = z.infer<typeof RegistryConfigEnv>;

export const RegistrarKeys = z.record(KeyId, Ed25519PublicKey, { error: 'must be a JSON object {"<keyId>": "<base64url public key>"}' });
export type RegistrarKeys = z.infer<typeof RegistrarKeys>;

export interface RegistryConfig {
  registrars: Registrars;
  allowUnattested: boolean;
}

export class RegistryConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryConfigError";
  }
}

/** The registry settings from an environment. `readFile` is there for tests. Throws RegistryConfigError. */
export function registryConfig(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string = (file) => readFileSync(file, "utf8"),
): RegistryConfig {
  const parsed = RegistryConfigEnv.safeParse(env);
  if (!parsed.success) throw new RegistryConfigError(`Invalid registry configuration: ${summarize(issueDetails(parsed.error))}`);
  const c = parsed.data;
  if (c.FIREBREAK_REGISTRARS !== undefined && c.FIREBREAK_REGISTRARS_FILE !== undefined) {
    throw new RegistryConfigError("Set FIREBREAK_REGISTRARS or FIREBREAK_REGISTRARS_FILE, not both.");
  }

  let source: string | undefined;
  let text: string | undefined;
  if (c.FIREBREAK_REGISTRARS !== undefined) {
    source = "FIREBREAK_REGISTRARS";
    text = c.FIREBREAK_REGISTRARS;
  } else if (c.FIREBREAK_REGISTRARS_FILE !== undefined) {
    source = `FIREBREAK_REGISTRARS_FILE (${c.FIREBREAK_REGISTRARS_FILE})`;
    try {
      text = readFile(c.FIREBREAK_REGISTRARS_FILE);
    } catch (err) {
      throw new RegistryConfigError(`${source} cannot be read: ${(err as Error).message}`);
    }
  }

  const registrars = new Map<string, string>();
  if (source !== undefined && text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new RegistryConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
    const keys = RegistrarKeys.safeParse(json);
    if (!keys.success) throw new RegistryConfigError(`${source}: ${summarize(issueDetails(keys.error))}`);
    for (const [keyId, publicKey] of Object.entries(keys.data)) registrars.set(keyId, publicKey);
  }

  const allowUnattested = c.FIREBREAK_ALLOW_UNATTESTED === "true";
  if (!allowUnattested && registrars.size === 0) {
    throw new RegistryConfigError(
      "FIREBREAK_ALLOW_UNATTESTED=false needs at least one registrar (FIREBREAK_REGISTRARS or FIREBREAK_REGISTRARS_FILE): without one no agent can be attested and no record could be verified.",
    );
  }
  return { registrars, allowUnattested };
}

let cached: { signature: string; config: RegistryConfig } | undefined;

/** registryConfig(process.env), read again only when one of its variables changes (a registrars file is read once: restart to pick up an edit). */
export function registryConfigFromEnv(): RegistryConfig {
  const signature = JSON.stringify([
    process.env.FIREBREAK_REGISTRARS,
    process.env.FIREBREAK_REGISTRARS_FILE,
    process.env.FIREBREAK_ALLOW_UNATTESTED,
  ]);
  if (cached?.signature !== signature) cached = { signature, config: registryConfig(process.env) };
  return cached.config;
}
