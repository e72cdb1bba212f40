// One list of verdicts per record. `verified` means nothing was found; the one
// exception is `unattested_agent` under a registry that allows unattested
// agents: it stays on the record as a note beside `verified`.
import type { VerdictDetail } from "../protocol/record.ts";

export interface CombineOptions {
  /** The registry snapshot's allowUnattested: when true, `unattested_agent` alone does not block `verified`. */
  allowUnattested?: boolean;
}

/**
 * De-duplicates (same verdict and detail) in first-seen order and decides
 * `verified`. Idempotent: combining a combined list again changes nothing, so
 * callers may add verdicts (replay, authority) and combine again.
 */
export function combineVerdicts(list: readonly VerdictDetail[], options: CombineOptions = {}): VerdictDetail[] {
  const seen = new Set<string>();
  const rest: VerdictDetail[] = [];
  for (const v of list) {
    if (v.verdict === "verified") continue;
    const key = `${v.verdict}\u0000${v.detail ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rest.push(v);
  }
  const blocking = rest.some((v) => !(options.allowUnattested === true && v.verdict === "unattested_agent"));
  return blocking ? rest : [{ verdict: "verified" }, ...rest];
}

/** A combined list is verified when it carries `verified`. */
export function isVerified(list: readonly VerdictDetail[]): boolean {
  return list.some((v) => v.verdict === "verified");
}
