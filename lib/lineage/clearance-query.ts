// The lineage gate's question asked of the stored graph: may an action that
// descends from these records run? (lib/control/lineage-clearance.ts decides;
// this gathers the facts.) The upstream walk is bounded: a long-running
// fleet's shared state links nearly every record to everything before it,
// and the guard is waiting.
import type { LineageClearance } from "../guard/lineage-source.ts";
import { judgeClearance, type FlaggedUpstream } from "../control/lineage-clearance.ts";
import { clearanceStarts, messageReceivers } from "../db/lineage-clearance-store.ts";
import { readControlPolicy } from "../db/kill-switch-store.ts";
import type { Queryable } from "../db/lineage-store.ts";
import { storedGraph } from "./lineage-queries.ts";
import { isFlagged, passesFlag } from "./types.ts";
import { walk, type WalkBounds } from "./walk.ts";

/** Far enough for any chain a guard's depth cap allows, small enough to answer while an action waits. */
export const CLEARANCE_BOUNDS: WalkBounds = { maxDepth: 64, maxNodes: 5_000, budgetMs: 2_000 };

export async function lineageClearance(q: Queryable, project: string, ids: readonly string[], bounds: WalkBounds = CLEARANCE_BOUNDS): Promise<LineageClearance> {
  const unique = [...new Set(ids)];
  const [starts, policy] = await Promise.all([clearanceStarts(q, project, unique), readControlPolicy(q, project)]);
  const stored = starts.filter((s) => s.stored).map((s) => s.id);
  let flagged: FlaggedUpstream[] = [];
  let truncated = false;
  if (stored.length > 0) {
    const w = await walk(await storedGraph(q, project), stored, "up", bounds);
    truncated = w.truncated.length > 0;
    // A flag that reaches: a replayed copy's flag reaches only what came after the copy.
    const child = new Map<string, string>();
    for (const v of w.visits.values()) if (v.via !== null) child.set(v.id, v.via.child);
    const nodes = [...w.visits.values()].filter((v) => isFlagged(v.node) && passesFlag(v.node, w.visits.get(child.get(v.id) ?? "")?.node)).map((v) => v.node!);
    const receivers = await messageReceivers(q, project, nodes.filter((n) => n.kind === "message").map((n) => n.id));
    flagged = nodes.map((n) => ({ id: n.id, kind: n.kind, agent: n.agent, receivers: receivers.get(n.id) ?? [], reasons: n.reasons }));
  }
  return judgeClearance({ starts, flagged, policy, truncated });
}
