// A Map holding at most `max` keys, the oldest added dropped first, at a
// constant cost per key however long it runs.
//
// The obvious way, a Map used as a queue (delete its first key, add at the
// end), slows down as it runs: every deleted key leaves a hole at the
// front of V8's ordered hash table, and finding the next first key walks
// those holes again. A full map of depths cost the engine a third of its
// thread ten minutes into a soak (docs/benchmarks.md). Here the order is a
// ring of keys beside the map, so the oldest key is found by index.
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  /** Keys in the order they were first added, from `head` (a ring once full). */
  private readonly order: K[] = [];
  private head = 0;

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new Error(`a BoundedMap holds at least one key, not ${max}`);
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** A key already held gets the new value and keeps its place: it is dropped when it would have been. */
  set(key: K, value: V): void {
    if (this.map.has(key)) {
      this.map.set(key, value);
      return;
    }
    this.map.set(key, value);
    if (this.order.length < this.max) {
      this.order.push(key);
      return;
    }
    this.map.delete(this.order[this.head]!);
    this.order[this.head] = key;
    this.head = (this.head + 1) % this.max;
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
    this.order.length = 0;
    this.head = 0;
  }
}
