// Taint flows from a record to everything that depends on it. It is derived,
// never stored: a new compromise mark or analyst mark changes every later
// answer at once, with nothing to recompute in place.
import { isCopyFlagged, isFlagged, passesFlag } from "./types.ts";
import type { Walk } from "./walk.ts";

/**
 * Tainted records among those a walk reached, each with the seed or flagged
 * record its taint came from (the nearest one, breadth-first). Taint moves
 * only along edges the walk saw: from parent to child. A record flagged only
 * by a later copy of its id (a replay) taints itself and the children stored
 * after that copy (`passesFlag`); what derives from those is tainted in full.
 */
export function propagateTaint(w: Walk, seeds: Iterable<string>): Map<string, string> {
  const children = new Map<string, string[]>();
  for (const e of w.edges) {
    const list = children.get(e.parent);
    if (list) list.push(e.child);
    else children.set(e.parent, [e.child]);
  }
  const source = new Map<string, string>();
  // Records whose taint passes to every child.
  const full = new Set<string>();
  const queue: string[] = [];
  const spread = (id: string, from: string) => {
    if (full.has(id) || !w.visits.has(id)) return;
    full.add(id);
    if (!source.has(id)) source.set(id, from);
    queue.push(id);
  };
  let head = 0;
  const drain = () => {
    for (; head < queue.length; head++) {
      const id = queue[head]!;
      const from = source.get(id)!;
      for (const c of children.get(id) ?? []) spread(c, from);
    }
  };
  for (const id of seeds) spread(id, id);
  const copyFlagged: string[] = [];
  for (const v of w.visits.values()) {
    if (!isFlagged(v.node)) continue;
    if (isCopyFlagged(v.node)) copyFlagged.push(v.id);
    else spread(v.id, v.id);
  }
  for (const id of copyFlagged) if (!source.has(id)) source.set(id, id);
  drain();
  for (const id of copyFlagged) {
    if (full.has(id)) continue;
    const node = w.visits.get(id)?.node;
    for (const c of children.get(id) ?? []) if (passesFlag(node, w.visits.get(c)?.node)) spread(c, id);
  }
  drain();
  return source;
}
