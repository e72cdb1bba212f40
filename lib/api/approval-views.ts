// The approvals API: what a guard files, what an on-call sends, and the
// shapes the server returns. Routes parse with these, the dashboard and the
// guard read with them, and lib/api/openapi.ts documents them.
import { z } from "zod";
import { ACTION_CLASSES } from "../protocol/record.ts";
import { APPROVAL_STATUSES } from "../approvals/approval-state.ts";
import { RelayedRecord } from "../guard/policy.ts";
import { FindingView } from "./engine-views.ts";

const isoTime = z.iso.datetime({ offset: true });
const id = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .min(1, { error: `${what} must not be empty` })
    .max(512, { error: `${what} must be at most 512 characters` });
const ids = (what: string) => z.array(id(what), { error: `${what} must be a list of record ids` }).max(256, { error: `at most 256 ${what}` });

/** What a guard files for a held action: the ApprovalRequest of lib/guard/approvals.ts. */
export const FileApprovalBody = z
  .object({
    action: id("action").meta({ description: "The id the action record will carry once approved." }),
    agent: id("agent"),
    name: id("name").meta({ description: "The action name (the action record's intent)." }),
    class: z.enum(ACTION_CLASSES, { error: `class must be one of ${ACTION_CLASSES.join(", ")}` }),
    args: z.string().max(256 * 1024, { error: "args must be at most 256 KiB of JSON text" }).meta({ description: "The action's arguments, canonical JSON text." }),
    digest: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: "digest must be the SHA-256 of args, unpadded base64url (43 characters)" }),
    parents: ids("parents"),
    authority: ids("authority").min(1, { error: "authority must name at least the request the action serves" }),
    requestedAt: isoTime.optional(),
    expiresAt: isoTime.optional().meta({ description: "When the guard stops waiting; the server expires the request no later." }),
  })
  .meta({ id: "FileApprovalBody" });
export type FileApprovalBody = z.output<typeof FileApprovalBody>;

export const ApprovalIdParams = z.object({ id: z.string().regex(/^apr-[A-Za-z0-9_-]{8,64}$/, { error: "an approval id looks like apr-..., as returned when the request was filed" }) });
export type ApprovalIdParams = z.output<typeof ApprovalIdParams>;

export const MAX_WAIT_S = 25;

export const ApprovalGetQuery = z.object({
  wait: z.coerce
    .number({ error: "wait must be a number of seconds" })
    .int({ error: "wait must be a whole number of seconds" })
    .min(0, { error: "wait must be at least 0" })
    .max(MAX_WAIT_S, { error: `wait must be at most ${MAX_WAIT_S} seconds` })
    .default(0)
    .meta({ description: `Long poll: hold the answer up to this many seconds while the request is pending (0 to ${MAX_WAIT_S}).` }),
  context: z
    .enum(["true", "false"], { error: 'context must be "true" or "false"' })
    .default("false")
    .meta({ description: "true adds the authority chain, the lineage upstream and the findings on it (what the on-call reads)." }),
});
export type ApprovalGetQuery = z.output<typeof ApprovalGetQuery>;

export const ApprovalsQuery = z.object({
  status: z.enum(APPROVAL_STATUSES, { error: `status must be one of: ${APPROVAL_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(500, { error: "limit must be at most 500" })
    .default(100),
});
export type ApprovalsQuery = z.output<typeof ApprovalsQuery>;

export const DecisionBody = z
  .object({
    reason: z
      .string({ error: "reason is required: say why, for the audit trail" })
      .trim()
      .min(3, { error: "reason is too short: say why, for the audit trail" })
      .max(2000, { error: "reason must be at most 2000 characters" }),
  })
  .meta({ id: "DecisionBody" });
export type DecisionBody = z.output<typeof DecisionBody>;

export const ApprovalView = z
  .object({
    id: z.string(),
    action: z.string(),
    agent: z.string(),
    name: z.string(),
    class: z.string(),
    args: z.string(),
    digest: z.string(),
    parents: z.array(z.string()),
    authority: z.array(z.string()),
    status: z.enum(APPROVAL_STATUSES),
    filedBy: z.string(),
    requestedAt: isoTime,
    decidableAt: isoTime,
    expiresAt: isoTime,
    decidedAt: isoTime.nullable(),
    decidedBy: z.string().nullable(),
    reason: z.string().nullable(),
    /** The signed approval record's id, once approved: the guard appends it to the action's authority. */
    approvalRecordId: z.string().nullable(),
    approvalRecord: RelayedRecord.nullable(),
    /** The server's clock when it answered, so a client can count down without trusting its own. */
    serverTime: isoTime,
  })
  .meta({ id: "ApprovalView" });
export type ApprovalView = z.infer<typeof ApprovalView>;

export const ApprovalsList = z.object({ approvals: z.array(ApprovalView), pending: z.number().int() }).meta({ id: "ApprovalsList" });
export type ApprovalsList = z.infer<typeof ApprovalsList>;

/** One record of the chain or of the lineage, as the on-call reads it. */
export const ChainRecordView = z
  .object({
    id: z.string(),
    stored: z.boolean(),
    kind: z.string().nullable(),
    agent: z.string().nullable(),
    intent: z.string().nullable(),
    ts: isoTime.nullable(),
    traceId: z.string().nullable(),
    verified: z.boolean().nullable(),
    verdicts: z.array(z.string()),
    /** A request's text, or an approval's payload; null for other kinds. */
    text: z.string().nullable(),
    /** Hops upstream from the action's parents (0 = a parent); null for chain entries. */
    depth: z.number().int().nullable(),
  })
  .meta({ id: "ChainRecordView" });
export type ChainRecordView = z.infer<typeof ChainRecordView>;

export const ApprovalDetail = ApprovalView.extend({
  context: z
    .object({
      chain: z.array(ChainRecordView),
      upstream: z.array(ChainRecordView),
      /** The lineage walk stopped at its bound; more lies upstream. */
      upstreamTruncated: z.boolean(),
      findings: z.array(FindingView),
    })
    .nullable(),
}).meta({ id: "ApprovalDetail" });
export type ApprovalDetail = z.infer<typeof ApprovalDetail>;
