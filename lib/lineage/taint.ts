// Taint flows from a record to everything that depends on it. It is derived,
// never stored: a new compromise mark or analyst mark changes every later
// answer at once, with nothing to recompute in place.
import { isFlagged } from "./types.ts";
import type { Walk } from "./walk.ts";

/**
 * Tainted records among those a walk reached, each with the seed or flagged
 * record its taint came from (the nearest one, breadth-first). Taint moves
 * only along edges the walk saw: from parent to child.
 */
export function propagateTaint(w: Walk, seeds: Iterable<string>): Map<string, string> {
  const children = new Map<string, string[]>();
  for (const e of w.edges) {
    const list = children.get(e.parent);
    if (list) list.push(e.child);
    else children.set(e.parent, [e.child]);
  }
  const source = new Map<string, string>();
  const queue: string[] = [];
  const seed = (id: string) => {
    if (source.has(id) || !w.visits.has(id)) return;
    source.set(id, id);
    queue.push(id);
  };
  for (const id of seeds) seed(id);
  for (const v of w.visits.values()) if (isFlagged(v.node)) seed(v.id);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const from = source.get(id)!;
    for (const c of children.get(id) ?? []) {
      if (source.has(c)) continue;
      source.set(c, from);
      queue.push(c);
    }
  }
  return source;
}
