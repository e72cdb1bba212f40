// How one record is shown in a lineage answer.
import type { SuspicionReason, LineageNode } from "./types.ts";

export interface NodeReport {
  id: string;
  /** false when the id is referenced but no record with it was stored. */
  stored: boolean;
  kind: string | null;
  agent: string | null;
  ts: string | null;
  actionClass: string | null;
  /** Suspect on its own. */
  flagged: boolean;
  reasons: SuspicionReason[];
}

export function nodeReport(id: string, node: LineageNode | null): NodeReport {
  return {
    id,
    stored: node !== null,
    kind: node?.kind ?? null,
    agent: node?.agent ?? null,
    ts: node ? new Date(node.ts).toISOString() : null,
    actionClass: node?.actionClass ?? null,
    flagged: node !== null && node.reasons.length > 0,
    reasons: node && node.reasons.length > 0 ? [...node.reasons] : [],
  };
}

/** "verification: bad_signature: ..." */
export function describeReason(r: SuspicionReason): string {
  return `${r.kind.replace("_", " ")}: ${r.detail}`;
}
