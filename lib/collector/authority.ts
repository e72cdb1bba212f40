// Bridges stored rows to lib/verify's authority rules, and turns a wait that
// ran out into a verdict an analyst can act on.
import type { RecordKind, VerdictDetail } from "../protocol/record.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { checkAuthorityShape, type RecordSummary } from "../verify/authority.ts";
import type { StoredSummary } from "../db/ingest-store.ts";

/** All stored records with an id (forged copies can share one). */
export type SummaryLookup = (id: string) => StoredSummary[] | undefined;

export interface AuthorityInput {
  recordId: string;
  kind: string;
  agent: string;
  parents: string[];
  authority: string[];
}

export function judgeAuthority(
  r: AuthorityInput,
  lookup: SummaryLookup,
  snapshot: RegistrySnapshot,
  expired?: { waitedMs: number },
): { verdicts: VerdictDetail[]; pendingOn: string[] } {
  const summarize = (id: string): RecordSummary | undefined => {
    const found = lookup(id);
    if (!found || found.length === 0) return undefined;
    // Where copies share an id, the verified one is the real one; a forged
    // copy must not be able to break (or lend) authority.
    const best = found.find((s) => s.verified) ?? found[0]!;
    return {
      kind: best.kind,
      agent: best.agent,
      agentKind: snapshot.agents.get(best.agent)?.kind ?? null,
      verified: best.verified,
      parents: best.parents,
      authority: best.authority,
      verdicts: best.verdicts,
    };
  };
  const result = checkAuthorityShape(
    { kind: r.kind as RecordKind, id: r.recordId, parents: r.parents, authority: r.authority },
    summarize,
  );
  if (result.pendingOn.length > 0 && expired) {
    return {
      verdicts: [
        {
          verdict: "broken_authority",
          detail: `waited ${Math.round(expired.waitedMs / 1000)} s for records ${result.pendingOn.join(", ")}, which never arrived`,
        },
      ],
      pendingOn: [],
    };
  }
  return result;
}
