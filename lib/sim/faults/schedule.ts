// A fault schedule: which fault, when (simulated time), against whom, how.
// On the command line one fault is `name@time[:target][,key=value...]`:
//   poisoned-feed@30m:price-monitor,factor=10
//   replay@2h
//   injection@45m:recommender,variant=free-text
//   agent-crash@1h:executor,duration=30m
// The target is a role of the scenario ("recommender"), an agent id, or left
// out for the scenario's default target of that fault.
import { z } from "zod";
import { Duration } from "../duration.ts";
import { FAULT_NAMES, faultVariant, isFaultName } from "./catalog.ts";

export const FaultSpec = z
  .strictObject({
    fault: z.enum(FAULT_NAMES, { error: `must be one of ${FAULT_NAMES.join(", ")}` }),
    /** Simulated time the fault fires, ms from the start of the run (or "30m"). */
    at: Duration,
    target: z.string().min(1).optional(),
    variant: z.string().min(1).optional(),
    /** Records to inject (spoof, forged-signature, key-compromise, fan-out-storm, ...). */
    count: z.number().int().positive().max(100_000).optional(),
    /** How long a lasting fault lasts (poisoned-feed, feedback-loop, agent-crash); default: to the end of the run. */
    duration: Duration.optional(),
    /** poisoned-feed: value multiplier; feedback-loop: loop gain. */
    factor: z.number().positive().optional(),
    /** replay: how long after capture the record is sent again. */
    delay: Duration.optional(),
  })
  .superRefine((spec, ctx) => {
    try {
      faultVariant(spec.fault, spec.variant);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["variant"], message: (err as Error).message });
    }
  });
export type FaultSpec = z.output<typeof FaultSpec>;
export type FaultSpecInput = z.input<typeof FaultSpec>;

export const FaultSchedule = z.array(FaultSpec);
export type FaultSchedule = z.output<typeof FaultSchedule>;

const NUMERIC_KEYS = new Set(["count", "factor"]);
const KNOWN_KEYS = new Set(["variant", "count", "duration", "factor", "delay", "target"]);

/** Parses `name@time[:target][,key=value...]`. Throws with a message that says what to fix. */
export function parseFaultArg(text: string): FaultSpec {
  const [head = "", ...options] = text.split(",");
  const at = head.indexOf("@");
  if (at <= 0) throw new Error(`fault ${JSON.stringify(text)}: write it as name@time[:target], e.g. replay@30m:recommender`);
  const name = head.slice(0, at);
  if (!isFaultName(name)) throw new Error(`fault ${JSON.stringify(name)} is not one of ${FAULT_NAMES.join(", ")}`);
  const rest = head.slice(at + 1);
  const colon = rest.indexOf(":");
  const raw: Record<string, unknown> = { fault: name, at: colon < 0 ? rest : rest.slice(0, colon) };
  if (colon >= 0 && colon < rest.length - 1) raw.target = rest.slice(colon + 1);
  for (const option of options) {
    const eq = option.indexOf("=");
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? "" : option.slice(eq + 1);
    if (!KNOWN_KEYS.has(key) || value === "") {
      throw new Error(`fault ${JSON.stringify(text)}: option ${JSON.stringify(option)} must be one of ${[...KNOWN_KEYS].map((k) => `${k}=...`).join(", ")}`);
    }
    raw[key] = NUMERIC_KEYS.has(key) ? Number(value) : value;
  }
  const parsed = FaultSpec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`fault ${JSON.stringify(text)}: ${issue ? `${issue.path.join(".") || "spec"} ${issue.message}` : "invalid"}`);
  }
  return parsed.data;
}

/** The command-line form of a spec (parseFaultArg reads it back). */
export function formatFaultArg(spec: FaultSpec): string {
  let out = `${spec.fault}@${spec.at}ms`;
  if (spec.target !== undefined) out += `:${spec.target}`;
  if (spec.variant !== undefined) out += `,variant=${spec.variant}`;
  if (spec.count !== undefined) out += `,count=${spec.count}`;
  if (spec.duration !== undefined) out += `,duration=${spec.duration}ms`;
  if (spec.factor !== undefined) out += `,factor=${spec.factor}`;
  if (spec.delay !== undefined) out += `,delay=${spec.delay}ms`;
  return out;
}
