// Has the engine judged every stored record? Its cursor says.
import pg from "pg";

/** Waits until the engine's cursor has passed every stored record; returns how long that took, s. */
export async function engineCaughtUp(url: string, timeoutMs = 300_000): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const started = performance.now();
  try {
    for (;;) {
      const r = await c.query<{ behind: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM records r WHERE (r.tx_id, r.seq) > COALESCE((SELECT (tx_id, seq) FROM engine_cursors WHERE name = 'engine'), ('0'::xid8, 0::bigint))) AS behind`,
      );
      if (!r.rows[0]?.behind) return (performance.now() - started) / 1000;
      if (performance.now() - started > timeoutMs) throw new Error(`the engine did not catch up within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await c.end();
  }
}
