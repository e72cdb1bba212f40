// Does a record's claimed authority hold up? The chain (firebreak.authority)
// is root first: the request that started the work, then the approvals that
// widened it. The rules, for every kind but `request` (a request is a root):
//
//  1. The chain is not empty.
//  2. Its root is a request whose record is verified.
//  3. Every later entry is a verified approval, signed by a principal of kind
//     "approver", that belongs to the same root (its own chain starts there).
//  4. message, action, approval and state.write records descend from the root
//     through their parents (state.read is exempt: reading starts nothing).
//
// "Descends" is defined on stored records, which have already been judged:
// record R descends from root Q when some parent P of R
//   - is Q itself, or
//   - is stored with authority[0] === Q, was not judged broken_authority,
//     its identity held (not unsigned, bad_signature, unknown_agent,
//     unknown_key, expired_key or replay: a forged hop cannot carry
//     authority), and either P is itself subject to rule 4 and settled (its
//     own judgement already established descent) or P descends from Q (P is
//     a state.read, which was never tested, or P is still pending).
// The walk is breadth-first over parents with an explicit queue and a visit
// bound; it never recurses. A record needed for the decision that has not
// arrived yet makes the answer `pending`, with the ids it waits for, so the
// collector can settle it when they arrive.
import type { RecordKind, VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { AgentKind } from "../registry/types.ts";

/** What authority checks need to know about a stored record. */
export interface RecordSummary {
  kind: string;
  agent: string;
  /** The registry kind of the record's agent; null when the agent is unknown. */
  agentKind: AgentKind | null;
  /** The record's combined verdicts include `verified`. */
  verified: boolean;
  parents: readonly string[];
  authority: readonly string[];
  /** Verdict names the record was given. */
  verdicts: readonly string[];
}

/** A stored record by id, or undefined when it has not been seen (yet). */
export type SummaryLookup = (id: string) => RecordSummary | undefined;

export interface AuthorityResult {
  verdicts: VerdictDetail[];
  /** Ids the decision waits for; non-empty exactly when `verdicts` is `pending`. */
  pendingOn: string[];
}

export interface AuthorityOptions {
  /** Stored records the descent walk may look at before giving up. */
  maxVisits?: number;
}

export const DEFAULT_MAX_VISITS = 10_000;

const MUST_DESCEND: ReadonlySet<string> = new Set<RecordKind>(["message", "action", "approval", "state.write"]);

/** Verdicts that disqualify a record as a hop in a descent. */
const NO_AUTHORITY_HOP: ReadonlySet<string> = new Set([
  "broken_authority",
  "unsigned",
  "bad_signature",
  "unknown_agent",
  "unknown_key",
  "expired_key",
  "replay",
]);

const OK: AuthorityResult = { verdicts: [], pendingOn: [] };

export function checkAuthorityShape(
  rec: Pick<WireRecord, "kind" | "id" | "parents" | "authority">,
  lookup: SummaryLookup,
  options: AuthorityOptions = {},
): AuthorityResult {
  if (rec.kind === "request") return OK;
  const chain = rec.authority ?? [];
  const root = chain[0];
  if (root === undefined) return broken(["authority chain is empty"]);

  const problems: string[] = [];
  const missing = new Set<string>();
  const rootRecord = lookup(root);
  if (!rootRecord) missing.add(root);
  else if (rootRecord.kind !== "request") problems.push(`authority root ${root} is a ${rootRecord.kind}, not a request`);
  else if (!rootRecord.verified) problems.push(`authority root request ${root} is not verified`);

  for (const id of chain.slice(1)) {
    const approval = lookup(id);
    if (!approval) missing.add(id);
    // An approval still waiting on its own records is not yet judged: wait
    // with it rather than call it unverified (out-of-order arrival).
    else if (approval.verdicts.includes("pending")) missing.add(id);
    else if (approval.kind !== "approval") problems.push(`authority entry ${id} is a ${approval.kind}, not an approval`);
    else if (approval.agentKind !== "approver") problems.push(`approval ${id} was signed by ${approval.agent}, which is not an approver`);
    else if (!approval.verified) problems.push(`approval ${id} is not verified`);
    else if (approval.authority[0] !== root) problems.push(`approval ${id} belongs to request ${approval.authority[0] ?? "(none)"}, not ${root}`);
  }
  if (problems.length > 0) return broken(problems);

  if (MUST_DESCEND.has(rec.kind)) {
    const walk = descends(rec.id, rec.parents ?? [], root, lookup, options.maxVisits ?? DEFAULT_MAX_VISITS);
    if (walk.exhausted) return broken([`gave up looking for request ${root} among ${walk.visited} ancestors`]);
    if (!walk.found) {
      if (walk.missing.length === 0) return broken([`does not descend from request ${root} through its parents`]);
      for (const id of walk.missing) missing.add(id);
    }
  }
  if (missing.size > 0) {
    const ids = [...missing];
    return { verdicts: [{ verdict: "pending", detail: `waiting for records ${ids.join(", ")}` }], pendingOn: ids };
  }
  return OK;
}

function broken(problems: string[]): AuthorityResult {
  return { verdicts: problems.map((detail) => ({ verdict: "broken_authority", detail })), pendingOn: [] };
}

interface Walk {
  found: boolean;
  /** Parents not yet stored whose arrival could still establish descent. */
  missing: string[];
  exhausted: boolean;
  visited: number;
}

function descends(self: string, parents: readonly string[], root: string, lookup: SummaryLookup, maxVisits: number): Walk {
  // A record cannot vouch for itself, even when the settler re-judges one already stored.
  const seen = new Set<string>([self]);
  const queue: string[] = [];
  for (const p of parents) {
    if (!seen.has(p)) {
      seen.add(p);
      queue.push(p);
    }
  }
  const missing: string[] = [];
  let visited = 0;
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    if (id === root) return { found: true, missing: [], exhausted: false, visited };
    if (visited >= maxVisits) return { found: false, missing, exhausted: true, visited };
    visited++;
    const hop = lookup(id);
    if (!hop) {
      missing.push(id);
      continue;
    }
    if (hop.authority[0] !== root || hop.verdicts.some((v) => NO_AUTHORITY_HOP.has(v))) continue;
    const settled = !hop.verdicts.includes("pending");
    if (MUST_DESCEND.has(hop.kind) && settled) return { found: true, missing: [], exhausted: false, visited };
    for (const p of hop.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return { found: false, missing, exhausted: false, visited };
}
