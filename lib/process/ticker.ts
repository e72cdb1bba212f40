// A background job run every `intervalMs` and on demand, one run at a time:
// a tick while one is under way shares it instead of starting a second.
export interface Ticker<T> {
  /** One run now (`now`: the time it runs as, for tests), or the one under way. */
  tick(now?: number): Promise<T>;
  /** No more runs; waits for the one under way. */
  stop(): Promise<void>;
}

export function startTicker<T>(run: (now: number) => Promise<T>, intervalMs: number, opts: { now?: boolean } = {}): Ticker<T> {
  let running: Promise<T> | null = null;
  const tick = (now = Date.now()): Promise<T> => {
    running ??= run(now).finally(() => {
      running = null;
    });
    return running;
  };
  if (opts.now) void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
