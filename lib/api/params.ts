// Query strings and path parameters of the read API, as zod schemas: the
// route wrapper parses with them and lib/api/openapi.ts documents them.
import { z } from "zod";
import { RECORD_KINDS, VERDICTS } from "../protocol/record.ts";
import { WINDOW_PATTERN } from "./time-window.ts";

const rfc3339 = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an RFC 3339 time with a zone, like 2026-11-21T09:30:00Z` });

const VerdictName = z.enum(VERDICTS, { error: `verdict must be one of: ${VERDICTS.join(", ")}` });

/** `verdict=replay` or `verdict=replay,stale` (records with all of them). */
const VerdictList = z
  .string()
  .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v !== ""))
  .pipe(z.array(VerdictName).min(1, { error: "verdict is empty" }).max(VERDICTS.length));

export const DEFAULT_RECORDS_LIMIT = 50;
export const MAX_RECORDS_LIMIT = 500;

export const RecordsQuery = z.object({
  agent: z.string().max(512).optional().meta({ description: "Records sent by this agent id." }),
  kind: z.enum(RECORD_KINDS, { error: `kind must be one of: ${RECORD_KINDS.join(", ")}` }).optional(),
  intent: z.string().max(512).optional(),
  verdict: VerdictList.optional().meta({
    description: "A verdict name, or several separated by commas: records that got all of them. `verified` lists the records that passed every check.",
  }),
  from: rfc3339("from").optional().meta({ description: "Records stamped at or after this time (RFC 3339)." }),
  to: rfc3339("to").optional().meta({ description: "Records stamped before this time (RFC 3339)." }),
  cursor: z.string().max(512).optional().meta({ description: "`nextCursor` of the previous page." }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_RECORDS_LIMIT, { error: `limit must be at most ${MAX_RECORDS_LIMIT}` })
    .default(DEFAULT_RECORDS_LIMIT),
});
export type RecordsQuery = z.output<typeof RecordsQuery>;

export const WindowQuery = z.object({
  from: rfc3339("from").optional().meta({ description: "Start of the window (RFC 3339). Default: `window` before `to`." }),
  to: rfc3339("to").optional().meta({ description: "End of the window (RFC 3339). Default: now." }),
  window: z
    .string()
    .regex(WINDOW_PATTERN, { error: "window must be a length like 1h, 24h or 7d" })
    .optional()
    .meta({ description: "Window length ending at `to`, like 1h, 24h or 7d. Default 24h. Not with `from`." }),
});
export type WindowQuery = z.output<typeof WindowQuery>;

export const RecordIdParams = z.object({
  id: z.string().min(1).max(512),
});
export type RecordIdParams = z.output<typeof RecordIdParams>;

/** Path parameter of /api/v1/agents/:id. The registry checks the id's form; this only bounds it. */
export const AgentIdParams = z.object({
  id: z.string().min(1).max(512),
});
export type AgentIdParams = z.output<typeof AgentIdParams>;

export const AgentsListQuery = z.object({
  label: z.string().max(512).optional().meta({ description: "Only agents with this label, as `name=value` (or `name` for any value)." }),
});
export type AgentsListQuery = z.output<typeof AgentsListQuery>;

export const ContractIntentParams = z.object({
  intent: z.string().min(1).max(512),
});
export type ContractIntentParams = z.output<typeof ContractIntentParams>;

/**
 * A JSON body handed on unparsed to a service that validates it itself (the
 * registry: its messages name the fields, and PUT fills `id` from the path).
 */
export const JsonBody = z.unknown();
