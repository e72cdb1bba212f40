// A value read at most once per `ttlMs`, however many scrapers ask: callers
// inside the window share the last answer, callers during a read share that
// read. A failed read is not cached, so the next scrape tries again.

export interface Cached<T> {
  get(): Promise<{ value: T; readAt: number }>;
}

export function cached<T>(read: () => Promise<T>, ttlMs: number, now: () => number = Date.now): Cached<T> {
  let last: { value: T; readAt: number } | null = null;
  let inflight: Promise<{ value: T; readAt: number }> | null = null;
  return {
    get() {
      if (last && now() - last.readAt < ttlMs) return Promise.resolve(last);
      inflight ??= read()
        .then((value) => (last = { value, readAt: now() }))
        .finally(() => {
          inflight = null;
        });
      return inflight;
    },
  };
}
