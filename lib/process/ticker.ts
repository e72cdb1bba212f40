// A background job run every `intervalMs` and on demand, one run at a time:
// a tick while one is under way shares it instead of starting a second.
export interface Ticker<T> {
  /** One run now, or the one under way. */
  tick(): Promise<T>;
  /** No more runs; waits for the one under way. */
  stop(): Promise<void>;
}

export function startTicker<T>(run: () => Promise<T>, intervalMs: number, opts: { now?: boolean } = {}): Ticker<T> {
  let running: Promise<T> | null = null;
  const tick = (): Promise<T> => {
    running ??= run().finally(() => {
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
