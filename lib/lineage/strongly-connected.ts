// Tarjan's strongly connected components with an explicit call stack. Records
// should form a DAG, but a forged record can name a later one as its parent,
// so every pass over the graph must survive cycles.

export interface Components {
  /** Component index of every node. */
  of: Map<string, number>;
  /**
   * Components in the order Tarjan emits them: a component comes after every
   * component reachable from it (successors first).
   */
  list: string[][];
}

export function stronglyConnected(nodes: Iterable<string>, successors: (id: string) => readonly string[]): Components {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const of = new Map<string, number>();
  const list: string[][] = [];
  let counter = 0;

  const open = (v: string, frames: { v: string; next: number; succ: readonly string[] }[]) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    frames.push({ v, next: 0, succ: successors(v) });
  };

  for (const root of nodes) {
    if (index.has(root)) continue;
    const frames: { v: string; next: number; succ: readonly string[] }[] = [];
    open(root, frames);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.succ.length) {
        const w = frame.succ[frame.next++]!;
        if (!index.has(w)) open(w, frames);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = frame.v;
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          of.set(w, list.length);
          component.push(w);
          if (w === v) break;
        }
        list.push(component);
      }
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
    }
  }
  return { of, list };
}
