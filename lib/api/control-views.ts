// What the control plane's routes accept and return: kill switches (kill,
// confirm, lift) and the enforcement policy guards obey. The routes parse
// with these, lib/api/openapi.ts documents them, the dashboard and the
// integration tests read with them.
import { z } from "zod";
import { KILL_SCOPES, KILL_SWITCH_STATES } from "../control/kill-switch.ts";
import { PolicySnapshot } from "../guard/policy.ts";

const isoTime = z.iso.datetime({ offset: true });

/** Who ended a switch or a quarantine, why and when; null while it holds. */
export const liftedFields = {
  liftedBy: z.string().nullable(),
  liftReason: z.string().nullable(),
  liftedAt: isoTime.nullable(),
};

/** Every kill and every lift says why: the reason is stored with the actor and in the audit trail. */
const Reason = z
  .string({ error: "reason is required: say why, it is stored with your name and shown to the next on-call" })
  .trim()
  .min(1, { error: "reason is empty: say why, it is stored with your name and shown to the next on-call" })
  .max(2000, { error: "reason is longer than 2000 characters" });

/** An agent id as the registry spells it; "->" would make an edge ambiguous. */
const agentName = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is empty` })
    .max(512, { error: `${what} is longer than 512 characters` })
    .refine((s) => !s.includes("->"), { error: `${what} cannot contain "->"` });

const LabelSelector = z
  .string({ error: "label is required: key=value (e.g. cluster=eu), or key for any value" })
  .trim()
  .regex(/^[^=\s]+(=[^\s]*)?$/, { error: "label must be key=value (e.g. cluster=eu), or key alone for any value, without spaces" })
  .max(512, { error: "label is longer than 512 characters" });

export const KillSwitchBody = z
  .discriminatedUnion(
    "scope",
    [
      z.object({ scope: z.literal("agent"), agent: agentName("agent"), reason: Reason }).strict(),
      z.object({ scope: z.literal("edge"), sender: agentName("sender"), receiver: agentName("receiver"), reason: Reason }).strict(),
      z.object({ scope: z.literal("label"), label: LabelSelector, reason: Reason }).strict(),
      z.object({ scope: z.literal("all"), reason: Reason }).strict(),
    ],
    { error: `scope must be one of: ${KILL_SCOPES.join(", ")}` },
  )
  .meta({
    id: "KillSwitchBody",
    description: "What to kill and why. `all` only requests a kill-all: a second, different on-call must confirm it (POST /kill-switches/{id}/confirm) before it takes effect.",
  });
export type KillSwitchBody = z.output<typeof KillSwitchBody>;

export const KillSwitchReasonBody = z.object({ reason: Reason }).strict().meta({ id: "KillSwitchReasonBody" });
export type KillSwitchReasonBody = z.output<typeof KillSwitchReasonBody>;

export const KillSwitchIdParams = z.object({
  id: z.string().regex(/^\d{1,19}$/, { error: "a kill switch id is a whole number, as returned when the switch was made" }),
});
export type KillSwitchIdParams = z.output<typeof KillSwitchIdParams>;

export const KillSwitchView = z
  .object({
    id: z.string(),
    scope: z.enum(KILL_SCOPES),
    target: z.string().meta({ description: 'Agent id, "from->to", "key=value" or "key"; "" for all.' }),
    state: z.enum(KILL_SWITCH_STATES),
    requestedBy: z.string(),
    reason: z.string(),
    requestedAt: isoTime,
    expiresAt: isoTime.nullable().meta({ description: "A pending kill-all lapses at this time unless confirmed." }),
    confirmedBy: z.string().nullable(),
    confirmReason: z.string().nullable(),
    confirmedAt: isoTime.nullable(),
    ...liftedFields,
  })
  .meta({ id: "KillSwitchView" });
export type KillSwitchView = z.infer<typeof KillSwitchView>;

export const KillSwitchesResponse = z
  .object({
    version: z.number().int().meta({ description: "The enforcement policy's version when this was read." }),
    active: z.array(KillSwitchView),
    pendingKillAll: KillSwitchView.nullable().meta({ description: "A kill-all awaiting a second on-call's confirmation, if any." }),
    recent: z.array(KillSwitchView).meta({ description: "The last switches lifted, cancelled or lapsed, newest first." }),
  })
  .meta({ id: "KillSwitchesResponse" });
export type KillSwitchesResponse = z.infer<typeof KillSwitchesResponse>;

export const ControlPolicyView = PolicySnapshot.extend({
  generatedAt: isoTime.meta({ description: "When the server read this version." }),
}).meta({
  id: "ControlPolicy",
  description: "The whole enforcement policy guards obey (lib/guard/policy.ts PolicySnapshot): kill switches merged with every edge's breaker state. An edge not in `breakers` is CLOSED.",
});
export type ControlPolicyView = z.infer<typeof ControlPolicyView>;

export const ControlPolicyQuery = z
  .object({
    after: z.coerce
      .number({ error: "after must be a policy version (a whole number)" })
      .int({ error: "after must be a whole number" })
      .nonnegative({ error: "after must be 0 or more" })
      .optional()
      .meta({ description: "Answer once the version is above this (long polling); leave out for the current policy at once." }),
    wait: z.coerce
      .number({ error: "wait must be a number of seconds" })
      .int({ error: "wait must be a whole number of seconds" })
      .min(0, { error: "wait must be 0 or more" })
      .max(60, { error: "wait is at most 60 seconds" })
      .default(25)
      .meta({ description: "With `after`: seconds to wait for a newer version before answering with the current one (default 25)." }),
  })
  .strict();
export type ControlPolicyQuery = z.output<typeof ControlPolicyQuery>;
