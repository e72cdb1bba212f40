// What may be written into the registry: the zod schemas for agent entries,
// contracts and registry files. Parsing also normalizes (timestamps to one
// ISO spelling, defaults filled in, keys sorted by keyId), and that normal
// form is what an attestation signs (see attestation.ts), so an entry read
// back from the database verifies exactly as it did when it was written.
import canonicalize from "canonicalize";
import { z } from "zod";
import { decodeBase64url } from "../protocol/base64url.ts";
import { KeyFormatError, publicKeyFromRaw } from "../protocol/keys.ts";
import { contractSchemaError } from "./json-schema.ts";
import { AGENT_KINDS } from "./types.ts";

const NAME_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;
const NAME_RULE = "1 to 128 characters from A-Z a-z 0-9 . _ : / -";
const KEY_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
const LABEL_KEY_PATTERN = /^[A-Za-z0-9._/-]{1,63}$/;
const PROTOCOL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
// Control characters have no business in names a human reads in an incident.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A lone surrogate cannot be written as UTF-8, canonicalized or signed.
const LONE_SURROGATE = /\p{Cs}/u;

const MAX_KEYS = 32;
const MAX_CAPABILITIES = 1000;
const MAX_GRANTS = 1000;
const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * zod's own type messages ("Invalid input: expected string, received
 * undefined") do not tell a YAML author what to do; these do. Returns
 * undefined for every other issue so checks keep their own messages.
 */
function expected(what: string): { error: (issue: { code?: string; input?: unknown }) => string | undefined } {
  return {
    error: (issue) => {
      if (issue.code !== "invalid_type") return undefined;
      return issue.input === undefined ? "is required" : `must be ${what}`;
    },
  };
}

const text = (what = "a string") =>
  z.string(expected(what)).refine((value) => !LONE_SURROGATE.test(value), { error: "must be valid Unicode (it holds a lone surrogate)" });

const name = (what: string) => text().regex(NAME_PATTERN, { error: `${what} must be ${NAME_RULE}` });

/** An agent id: what `firebreak.agent` and `firebreak.to` carry. */
export const AgentId = name("an agent id");
export type AgentId = z.infer<typeof AgentId>;

/** An intent (message contract or action) name. */
export const IntentName = name("an intent");
export type IntentName = z.infer<typeof IntentName>;

/** A key id; may hold ":" (a DID, say), never spaces. */
export const KeyId = text().regex(KEY_ID_PATTERN, { error: "a key id must be 1 to 128 printable ASCII characters without spaces" });
export type KeyId = z.infer<typeof KeyId>;

function base64urlProblem(value: string, bytes: number, what: string): string | null {
  const decoded = decodeBase64url(value);
  if (decoded === null) {
    if (/[+/=]/.test(value)) return `must be unpadded base64url, not standard base64: replace "+" with "-" and "/" with "_", and drop "="`;
    if (!/^[A-Za-z0-9_-]*$/.test(value)) return `must be unpadded base64url (A-Z a-z 0-9 - _) of the ${what}`;
    const chars = Math.ceil((bytes * 4) / 3);
    // Right alphabet, impossible length or stray bits in the last character.
    return value.length === chars
      ? `is not canonical base64url: its last character carries bits beyond the ${bytes} bytes of the ${what}`
      : `must be ${chars} characters of base64url (the ${what}), got ${value.length}`;
  }
  if (decoded.length !== bytes) {
    const spki = bytes === ED25519_PUBLIC_KEY_BYTES && decoded.length === 44 ? "; this looks like a DER SubjectPublicKeyInfo: give only its last 32 bytes" : "";
    return `must decode to exactly ${bytes} bytes (the ${what}), got ${decoded.length}${spki}`;
  }
  return null;
}

/** A raw 32-byte Ed25519 public key, unpadded base64url: the only key form the registry stores. */
export const Ed25519PublicKey = text().superRefine((value, ctx) => {
  const problem = base64urlProblem(value, ED25519_PUBLIC_KEY_BYTES, "raw Ed25519 public key");
  if (problem !== null) {
    ctx.addIssue({ code: "custom", message: problem });
    return;
  }
  try {
    publicKeyFromRaw(value);
  } catch (err) {
    if (!(err instanceof KeyFormatError)) throw err;
    ctx.addIssue({ code: "custom", message: `is not a usable Ed25519 public key: ${err.message}` });
  }
});

/** An instant with an explicit zone, normalized to `YYYY-MM-DDTHH:mm:ss.sssZ` (the database keeps milliseconds). */
export const Timestamp = text("an ISO 8601 date-time string")
  .pipe(z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T00:00:00Z" }))
  .transform((value) => new Date(value).toISOString());

const optionalTimestamp = Timestamp.nullish().transform((value) => value ?? null);

export const AgentKeyInput = z
  .strictObject(
    {
      keyId: KeyId,
      publicKey: Ed25519PublicKey,
      notBefore: optionalTimestamp,
      notAfter: optionalTimestamp,
    },
    expected("an object with keyId and publicKey"),
  )
  .superRefine((key, ctx) => {
    if (key.notBefore !== null && key.notAfter !== null && Date.parse(key.notAfter) <= Date.parse(key.notBefore)) {
      ctx.addIssue({ code: "custom", path: ["notAfter"], message: `must be later than notBefore (${key.notBefore})` });
    }
  });
export type AgentKeyInput = z.infer<typeof AgentKeyInput>;

/** Code-unit order, never locale order: the attested form must sort the same everywhere. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const AgentKeys = z
  .array(AgentKeyInput, expected("a list of keys"))
  .min(1, { error: "an agent needs at least one key" })
  .max(MAX_KEYS, { error: `at most ${MAX_KEYS} keys per agent` })
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      if (seen.has(key.keyId)) ctx.addIssue({ code: "custom", path: [i, "keyId"], message: `keyId "${key.keyId}" appears twice` });
      seen.add(key.keyId);
    });
  })
  // The order of keys means nothing; sorting makes the attested form independent of it.
  .transform((keys) => [...keys].sort((a, b) => byCodeUnits(a.keyId, b.keyId)));

const Receiver = text().refine((value) => value === "*" || NAME_PATTERN.test(value), {
  error: `a receiver must be an agent id (${NAME_RULE}) or "*" for any`,
});

export const CapabilityInput = z.strictObject(
  {
    intent: IntentName,
    /** Receivers; "*" for any. Leave out (or []) for an action capability. */
    to: z.array(Receiver, expected("a list of agent ids")).default([]),
  },
  expected("an object with an intent"),
);
export type CapabilityInput = z.infer<typeof CapabilityInput>;

/** An exact state key, or a prefix ending in "*" ("orders/*"; "*" alone is everything). */
export const MemoryGrant = text()
  .min(1, { error: "must not be empty" })
  .max(256, { error: "must be at most 256 characters" })
  .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" })
  .refine((value) => !value.slice(0, -1).includes("*"), { error: 'a "*" may only end a prefix, as in "orders/*"' });

const memoryGrants = z.array(MemoryGrant, expected("a list of state keys or prefixes")).max(MAX_GRANTS, { error: `at most ${MAX_GRANTS} entries` });

export const MemoryInput = z.strictObject(
  { read: memoryGrants.default([]), write: memoryGrants.default([]) },
  expected("an object with read and write lists"),
);
export type MemoryInput = z.infer<typeof MemoryInput>;

/** Versions are strings: YAML reads an unquoted 0.3 as a number, and 0.10 as 0.1. */
const VersionText = text('a string; quote version numbers in YAML ("0.3")')
  .min(1, { error: "must not be empty" })
  .max(64, { error: "must be at most 64 characters" });

const ProtocolName = z.string().regex(PROTOCOL_PATTERN, { error: "a protocol name must be 1 to 64 characters from A-Z a-z 0-9 . _ -" });
const LabelKey = z.string().regex(LABEL_KEY_PATTERN, { error: "a label key must be 1 to 63 characters from A-Z a-z 0-9 . _ / -" });
const LabelValue = text('a string; quote numbers and booleans in YAML ("1", "true")').max(256, { error: "must be at most 256 characters" });

export const AttestationInput = z.strictObject(
  {
    registrarKeyId: KeyId,
    signature: text().superRefine((value, ctx) => {
      const problem = base64urlProblem(value, ED25519_SIGNATURE_BYTES, "Ed25519 signature");
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    }),
  },
  expected("an object with registrarKeyId and signature"),
);
export type AttestationInput = z.infer<typeof AttestationInput>;

/** One registry entry, as an API body or an item of a registry file. */
export const AgentInput = z.strictObject(
  {
    id: AgentId,
    displayName: text()
      .min(1, { error: "must not be empty" })
      .max(200, { error: "must be at most 200 characters" })
      .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" }),
    kind: z.enum(AGENT_KINDS, { error: `must be one of ${AGENT_KINDS.map((k) => `"${k}"`).join(", ")}` }),
    keys: AgentKeys,
    capabilities: z
      .array(CapabilityInput, expected("a list of capabilities"))
      .max(MAX_CAPABILITIES, { error: `at most ${MAX_CAPABILITIES} capabilities` })
      .default([]),
    memory: MemoryInput.default({ read: [], write: [] }),
    /** Protocol name -> minimum version. */
    protocols: z.record(ProtocolName, VersionText, expected("a map of protocol name to minimum version")).default({}),
    /** The agent's pinned version, if any. */
    version: VersionText.nullish().transform((value) => value ?? null),
    labels: z.record(LabelKey, LabelValue, expected("a map of label name to value")).default({}),
    attestation: AttestationInput.optional(),
  },
  expected("an object (an agent entry)"),
);
/** A parsed, normalized entry. */
export type AgentInput = z.infer<typeof AgentInput>;
/** An entry as written by a person or a tool, before defaults and normalization. */
export type AgentInputRaw = z.input<typeof AgentInput>;

export const ContractInput = z.strictObject(
  {
    intent: IntentName,
    schema: z
      .record(z.string(), z.unknown(), expected("a JSON Schema object"))
      .superRefine((schema, ctx) => {
        // The stored schema is JSON text in PostgreSQL, which refuses lone surrogates; canonicalize finds them.
        try {
          canonicalize(schema);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: `must be valid Unicode JSON: ${(err as Error).message}` });
          return;
        }
        const problem = contractSchemaError(schema);
        if (problem !== null) ctx.addIssue({ code: "custom", message: `is not a usable JSON Schema: ${problem}` });
      }),
    description: text().max(2000, { error: "must be at most 2000 characters" }).optional(),
  },
  expected("an object with intent and schema"),
);
export type ContractInput = z.infer<typeof ContractInput>;

export const RegistryFile = z
  .strictObject(
    {
      agents: z.array(AgentInput, expected("a list of agent entries")).default([]),
      contracts: z.array(ContractInput, expected("a list of contracts")).default([]),
    },
    expected("a document with `agents` and `contracts` lists"),
  )
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.agents.forEach((agent, i) => {
      if (ids.has(agent.id)) ctx.addIssue({ code: "custom", path: ["agents", i, "id"], message: `agent "${agent.id}" appears twice` });
      ids.add(agent.id);
    });
    const intents = new Set<string>();
    file.contracts.forEach((contract, i) => {
      if (intents.has(contract.intent)) ctx.addIssue({ code: "custom", path: ["contracts", i, "intent"], message: `contract "${contract.intent}" appears twice` });
      intents.add(contract.intent);
    });
  });
export type RegistryFile = z.infer<typeof RegistryFile>;

/** An entry as the API returns it: the normalized entry, its attestation verdict, and bookkeeping. */
export const AgentView = AgentInput.extend({
  attested: z.boolean(),
  /** Why the entry is not attested; absent when it is. */
  attestationError: z.string().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type AgentView = z.infer<typeof AgentView>;

export const ContractView = z.strictObject({
  intent: IntentName,
  schema: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type ContractView = z.infer<typeof ContractView>;
