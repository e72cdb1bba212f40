// A Map that keeps at most `limit` keys, dropping the first inserted. The
// insertion order is kept in an array with a moving head rather than read
// back from the Map: finding the first live key of a Map that has seen many
// deletions means stepping over every deleted slot, and these maps see one
// deletion per insertion once full.

export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private order: K[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Sets `key`; a new key goes to the back of the eviction order, an existing one keeps its place. */
  set(key: K, value: V): void {
    const before = this.map.size;
    this.map.set(key, value);
    if (this.map.size > before) this.order.push(key);
    while (this.map.size > this.limit && this.head < this.order.length) {
      this.map.delete(this.order[this.head] as K);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.map.size;
  }
}
