import { z } from "zod";

// The approval queue's settings, from the environment.
//
// FIREBREAK_APPROVAL_TTL_S        seconds a request waits before it is expired (denied); default 900 (15 min)
// FIREBREAK_APPROVAL_MIN_DELAY_S  seconds after filing before anyone may decide; default 10, so an on-call
//                                 woken at 3 a.m. reads the chain before clicking (0 turns it off)
export const ApprovalsEnv = z.object({
  FIREBREAK_APPROVAL_TTL_S: z.coerce.number().int().min(10).max(7 * 86_400).default(900),
  FIREBREAK_APPROVAL_MIN_DELAY_S: z.coerce.number().int().min(0).max(3_600).default(10),
});

export interface ApprovalsConfig {
  ttlMs: number;
  minDelayMs: number;
}

export function approvalsConfig(env: Record<string, string | undefined> = process.env): ApprovalsConfig {
  const blankless = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("FIREBREAK_APPROVAL_") && v !== undefined && v.trim() !== ""));
  const parsed = ApprovalsEnv.safeParse(blankless);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid approvals configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.FIREBREAK_APPROVAL_MIN_DELAY_S * 1000 >= c.FIREBREAK_APPROVAL_TTL_S * 1000) {
    throw new Error("Invalid approvals configuration: FIREBREAK_APPROVAL_MIN_DELAY_S must be shorter than FIREBREAK_APPROVAL_TTL_S, or no request could ever be decided");
  }
  return { ttlMs: c.FIREBREAK_APPROVAL_TTL_S * 1000, minDelayMs: c.FIREBREAK_APPROVAL_MIN_DELAY_S * 1000 };
}
