// What the containment routes accept and return: the lineage gate's answer
// (GET /api/v1/control/lineage) and quarantined state keys (list, quarantine
// by hand, lift). The routes parse with these, lib/api/openapi.ts documents
// them, the integration tests read with them.
import { z } from "zod";
import { LineageClearance } from "../guard/lineage-source.ts";
import { QUARANTINE_STATES } from "../control/quarantine.ts";
import { liftedFields } from "./control-views.ts";

const isoTime = z.iso.datetime({ offset: true });

const Reason = z
  .string({ error: "reason is required: say why, it is stored with your name and shown to the next on-call" })
  .trim()
  .min(1, { error: "reason is empty: say why, it is stored with your name and shown to the next on-call" })
  .max(2000, { error: "reason is longer than 2000 characters" });

export const MAX_LINEAGE_RECORDS = 32;

export const LineageQuery = z
  .object({
    records: z
      .string({ error: "records is required: the ids the action descends from, comma-separated" })
      .transform((s) => [...new Set(s.split(",").map((x) => x.trim()).filter((x) => x !== ""))])
      .refine((ids) => ids.length > 0, { error: "records is empty: name the ids the action descends from, comma-separated" })
      .refine((ids) => ids.length <= MAX_LINEAGE_RECORDS, { error: `records names more than ${MAX_LINEAGE_RECORDS} ids: ask about an action's direct parents` })
      .refine((ids) => ids.every((id) => id.length <= 200), { error: "a record id is longer than 200 characters" })
      .meta({ description: `Record ids the action descends from (its parents), comma-separated, at most ${MAX_LINEAGE_RECORDS}.` }),
  })
  .strict();
export type LineageQuery = z.output<typeof LineageQuery>;

export const LineageClearanceView = LineageClearance.meta({
  id: "LineageClearance",
  description:
    "May an action descending from these records run? tainted: something upstream failed verification, was marked by a person or compromised, or is an anomalous record the control plane contained (its edge's breaker refuses, its edge or agent is killed); pending: not every record asked about is stored, settled and judged by the engine yet, ask again; clear: otherwise, within the walk's bounds.",
});

export const QuarantineIdParams = z.object({
  id: z.string().regex(/^\d{1,19}$/, { error: "a quarantine id is a whole number, as GET /api/v1/quarantines lists it" }),
});
export type QuarantineIdParams = z.output<typeof QuarantineIdParams>;

export const QuarantineBody = z
  .object({
    key: z
      .string({ error: "key is required: the state key guards must stop reading and writing" })
      .trim()
      .min(1, { error: "key is empty: name the state key guards must stop reading and writing" })
      .max(1000, { error: "key is longer than 1000 characters" }),
    reason: Reason,
  })
  .strict()
  .meta({ id: "QuarantineBody" });
export type QuarantineBody = z.output<typeof QuarantineBody>;

export const QuarantineReasonBody = z.object({ reason: Reason }).strict().meta({ id: "QuarantineReasonBody" });
export type QuarantineReasonBody = z.output<typeof QuarantineReasonBody>;

export const QuarantineView = z
  .object({
    id: z.string(),
    key: z.string(),
    state: z.enum(QUARANTINE_STATES),
    recordId: z.string().nullable().meta({ description: "The state.write that showed the key's value descends from a contained record; null when a person opened it." }),
    reason: z.string(),
    openedBy: z.string().meta({ description: '"engine", or the person who quarantined the key.' }),
    openedAt: isoTime,
    ...liftedFields,
  })
  .meta({ id: "QuarantineView" });
export type QuarantineView = z.infer<typeof QuarantineView>;

export const QuarantinesResponse = z
  .object({
    active: z.array(QuarantineView).meta({ description: "Keys guards neither read nor write, newest first." }),
    recent: z.array(QuarantineView).meta({ description: "The last quarantines lifted, newest first." }),
  })
  .meta({ id: "QuarantinesResponse" });
export type QuarantinesResponse = z.infer<typeof QuarantinesResponse>;
