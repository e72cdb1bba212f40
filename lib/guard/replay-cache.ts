// Nonces a guard has accepted, so that receive() refuses a replay before the
// agent acts on it. A nonce only needs remembering while a record carrying it
// could still pass the skew check: until its timestamp plus the skew window.
// After that a replay is refused as stale anyway, so the entry may go.
//
// Bounded both ways: at most `maxPerSender` nonces per sender (oldest first
// out) and at most `maxSenders` senders (least recently heard from out). An
// eviction before expiry is counted, because it is the one way a replay could
// get past this cache; the collector's stored nonces still catch it there.
// Each sender's nonces are kept in arrival order in an array with a moving
// head, so expiring and evicting from the front costs O(1) (a Map read from
// the front after many deletions steps over every deleted slot).

export interface ReplayCacheOptions {
  /** How long a nonce is kept after its record's timestamp: the skew window. */
  windowMs: number;
  maxSenders?: number;
  maxPerSender?: number;
}

interface Seen {
  /** The record that used the nonce first. */
  id: string;
  expiresAt: number;
}

interface SenderNonces {
  seen: Map<string, Seen>;
  order: string[];
  head: number;
}

export type ReplayCheck = { seen: false } | { seen: true; id: string };

const NOT_SEEN: ReplayCheck = Object.freeze({ seen: false });

export class ReplayCache {
  private readonly senders = new Map<string, SenderNonces>();
  private readonly windowMs: number;
  private readonly maxSenders: number;
  private readonly maxPerSender: number;
  private lastSender = "";
  /** Entries dropped to respect the bounds while they could still have caught a replay. */
  evictedEarly = 0;

  constructor(options: ReplayCacheOptions) {
    this.windowMs = options.windowMs;
    this.maxSenders = options.maxSenders ?? 10_000;
    this.maxPerSender = options.maxPerSender ?? 100_000;
  }

  check(sender: string, nonce: string, now: number): ReplayCheck {
    const seen = this.senders.get(sender)?.seen.get(nonce);
    if (seen === undefined || seen.expiresAt < now) return NOT_SEEN;
    return { seen: true, id: seen.id };
  }

  /** Remembers `nonce` of `sender`, used by record `id` stamped `recordTime` (ms). */
  remember(sender: string, nonce: string, id: string, recordTime: number, now: number): void {
    const s = this.touch(sender, now);
    if (!s.seen.has(nonce)) s.order.push(nonce);
    s.seen.set(nonce, { id, expiresAt: recordTime + this.windowMs });

    // Records mostly arrive in timestamp order, so expired entries gather at the front.
    while (s.head < s.order.length) {
      const first = s.order[s.head] as string;
      const entry = s.seen.get(first);
      if (entry !== undefined && entry.expiresAt >= now && s.seen.size <= this.maxPerSender) break;
      if (entry !== undefined) {
        if (entry.expiresAt >= now) this.evictedEarly++;
        s.seen.delete(first);
      }
      s.head++;
    }
    if (s.head > 1024 && s.head * 2 > s.order.length) {
      s.order = s.order.slice(s.head);
      s.head = 0;
    }
  }

  get size(): number {
    let n = 0;
    for (const s of this.senders.values()) n += s.seen.size;
    return n;
  }

  /** The sender's nonces, moved to the back of the sender order (the common case, the same sender again, moves nothing). */
  private touch(sender: string, now: number): SenderNonces {
    let s = this.senders.get(sender);
    if (s !== undefined && sender === this.lastSender) return s;
    if (s === undefined) {
      s = { seen: new Map(), order: [], head: 0 };
    } else {
      this.senders.delete(sender);
    }
    this.senders.set(sender, s);
    this.lastSender = sender;
    while (this.senders.size > this.maxSenders) {
      const oldest = this.senders.entries().next();
      if (oldest.done) break;
      this.senders.delete(oldest.value[0]);
      for (const entry of oldest.value[1].seen.values()) if (entry.expiresAt >= now) this.evictedEarly++;
    }
    return s;
  }
}
