// The audit API: query schemas (strict) and the JSON it returns. The routes
// parse with them, the integration tests check responses against them, and
// lib/api/openapi.ts documents them.
import { z } from "zod";

const rfc3339 = (name: string) => z.iso.datetime({ offset: true, error: `${name} must be an RFC 3339 time with a zone, like 2026-11-21T09:30:00Z` });
const isoTime = z.iso.datetime({ offset: true });

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 500;

export const AuditQuery = z.object({
  actor: z.string().max(512).optional().meta({ description: "Entries by this actor, exactly (`admin (session)`, `system`, ...)." }),
  action: z.string().max(128).optional().meta({ description: "Entries of this action, like `incident.resolve` or `report.export_pdf`." }),
  target: z.string().max(512).optional().meta({ description: "Entries about this target (`incident:42`); end it with `*` for a prefix (`incident:*`)." }),
  from: rfc3339("from").optional().meta({ description: "Entries at or after this time (RFC 3339)." }),
  to: rfc3339("to").optional().meta({ description: "Entries before this time (RFC 3339)." }),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, { error: "cursor is not a cursor this API issued: pass `nextCursor` from the previous page unchanged" })
    .optional()
    .meta({ description: "`nextCursor` of the previous page." }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_AUDIT_LIMIT, { error: `limit must be at most ${MAX_AUDIT_LIMIT}` })
    .default(DEFAULT_AUDIT_LIMIT),
});
export type AuditQuery = z.output<typeof AuditQuery>;

export const AuditEntryView = z
  .object({
    seq: z.number().int().positive().meta({ description: "Position in the chain, from 1." }),
    at: isoTime,
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    detail: z.record(z.string(), z.unknown()),
    prevHash: z.string().meta({ description: "sha256 hex of the previous entry (64 zeros for the first)." }),
    hash: z.string().meta({ description: "sha256 hex of the RFC 8785 canonical JSON of this entry's fields and prevHash." }),
  })
  .meta({ id: "AuditEntryView" });
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPage = z
  .object({
    items: z.array(AuditEntryView).meta({ description: "Newest first." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next (older) page; null on the last page." }),
  })
  .meta({ id: "AuditPage" });
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerifyView = z
  .object({
    intact: z.boolean(),
    entries: z.number().int().nonnegative().meta({ description: "Entries checked (up to the problem, when there is one)." }),
    checkpoints: z.number().int().nonnegative(),
    lastCheckpoint: z.object({ seq: z.number().int(), at: isoTime }).nullable(),
    unsigned: z.number().int().nonnegative().meta({ description: "Entries after the last checkpoint: chained, not yet signed." }),
    problem: z
      .object({
        kind: z.string().meta({ description: "altered | missing | reordered | rewritten | truncated | forged | wrong_key" }),
        seq: z.number().int(),
        message: z.string(),
      })
      .nullable()
      .meta({ description: "The first problem found; null when intact." }),
    keyId: z.string().meta({ description: "The instance key the checkpoints were checked against." }),
    checkedAt: isoTime,
  })
  .meta({ id: "AuditVerifyView" });
export type AuditVerifyView = z.infer<typeof AuditVerifyView>;

export const AuditCheckpointView = z
  .object({ seq: z.number().int(), hash: z.string(), at: isoTime, keyId: z.string(), signature: z.string() })
  .meta({ id: "AuditCheckpointView" });
export type AuditCheckpointView = z.infer<typeof AuditCheckpointView>;

export const CheckpointResult = z
  .object({
    checkpoint: AuditCheckpointView.nullable().meta({ description: "The checkpoint written; null when the newest entry already had one." }),
  })
  .meta({ id: "CheckpointResult" });
export type CheckpointResult = z.infer<typeof CheckpointResult>;
