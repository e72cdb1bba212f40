// A project's retention period over the API: how many days its records and
// spans are kept before the storage maintainer removes them (evidence of an
// incident not yet resolved and exported is kept whatever the period).
import { z } from "zod";
import { ProjectId } from "../accounts/project.ts";
import { RETENTION_DAYS } from "../storage/partition-plan.ts";

const RANGE = `retention is a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`;

export const ProjectIdParams = z.object({ id: ProjectId }).meta({ id: "ProjectIdParams" });
export type ProjectIdParams = z.infer<typeof ProjectIdParams>;

export const RetentionBody = z
  .strictObject({
    retentionDays: z
      .number({ error: `${RANGE}, or null to follow the instance default (FIREBREAK_RETENTION_DAYS)` })
      .int(`${RANGE}: drop the fraction`)
      .min(RETENTION_DAYS.min, `${RANGE}: raise it`)
      .max(RETENTION_DAYS.max, `${RANGE}: lower it`)
      .nullable()
      .describe(`Days to keep the project's records and spans (${RETENTION_DAYS.min}-${RETENTION_DAYS.max}), or null to follow the instance default.`),
  })
  .meta({ id: "RetentionBody" });
export type RetentionBody = z.infer<typeof RetentionBody>;

export const ProjectRetentionView = z
  .object({
    project: z.string(),
    /** What the maintainer applies now: the project's own period, else the instance default. */
    retentionDays: z.number().int(),
    source: z.enum(["project", "default"]).describe("`project` when the project has a period of its own, `default` when it follows FIREBREAK_RETENTION_DAYS."),
    defaultDays: z.number().int().describe("FIREBREAK_RETENTION_DAYS as this server reads it."),
    min: z.number().int(),
    max: z.number().int(),
    updatedBy: z.string().nullable(),
    updatedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "ProjectRetentionView" });
export type ProjectRetentionView = z.infer<typeof ProjectRetentionView>;
