// Data sources outside the fleet: a supplier price list, a market ticker, a
// documentation site. The world publishes their values into shared memory
// (agents read them as state, with grants), and the poisoned-feed fault
// scales every number they carry until it ends.
import type { SharedMemory } from "./memory.ts";
import type { JsonValue } from "./world-types.ts";

export interface Poison {
  factor: number;
  faultId: string;
  until: number;
}

export interface Feed {
  name: string;
  /** The state key agents read it from. */
  key: string;
  /** Fields whose numbers are bookkeeping, not data (a cycle counter): never scaled. */
  keep: readonly string[];
  poison: Poison | null;
}

export class Feeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly memory: SharedMemory) {}

  add(name: string, key: string, keep: readonly string[] = ["cycle"]): Feed {
    const feed: Feed = { name, key, keep, poison: null };
    this.feeds.set(name, feed);
    return feed;
  }

  get(name: string): Feed | undefined {
    return this.feeds.get(name);
  }

  names(): string[] {
    return [...this.feeds.keys()];
  }

  /** Publishes the feed's true value, or a poisoned one while a poison is active at `now`. */
  publish(name: string, value: JsonValue, now: number): void {
    const feed = this.feeds.get(name);
    if (!feed) throw new Error(`no feed ${name}`);
    const p = feed.poison;
    if (p !== null && now < p.until) this.memory.setFeed(feed.key, scaleNumbers(value, p.factor, feed.keep), [p.faultId]);
    else this.memory.setFeed(feed.key, value, []);
  }
}

/** A copy of `value` with every number times `factor`, except under keys in `keep`. Iterative: values may be deep. */
export function scaleNumbers(value: JsonValue, factor: number, keep: readonly string[]): JsonValue {
  const scale = (v: JsonValue): JsonValue => (typeof v === "number" ? round(v * factor) : v);
  const copy = (v: JsonValue): JsonValue => (Array.isArray(v) ? [...v] : v !== null && typeof v === "object" ? { ...v } : scale(v));
  const root = copy(value);
  // Every container on the stack is already a fresh copy; its children are copied as they are pushed.
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as JsonValue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = copy(node[i] as JsonValue);
        node[i] = child;
        if (child !== null && typeof child === "object") stack.push(child);
      }
    } else if (node !== null && typeof node === "object") {
      for (const k of Object.keys(node)) {
        // A kept field is bookkeeping (a cycle counter): left exactly as it was.
        if (keep.includes(k)) continue;
        const child = copy(node[k] as JsonValue);
        node[k] = child;
        if (child !== null && typeof child === "object") stack.push(child);
      }
    }
  }
  return root;
}

/** Money-like rounding so payloads stay readable. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
