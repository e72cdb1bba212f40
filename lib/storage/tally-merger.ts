// Folds record_tallies' per-statement deltas into one row per minute and key,
// every few seconds (lib/db/record-tallies.ts). Every collector runs it: two
// merges side by side never count a row twice, and a merge that falls behind
// costs the dashboard's reads a few more rows, never a wrong count.
import type pg from "pg";
import { mergeAllTallies, type MergeResult } from "../db/record-tallies.ts";
import { startTicker, type Ticker } from "../process/ticker.ts";

export type TallyMerger = Ticker<MergeResult | null>;

export function startTallyMerger(pool: pg.Pool, intervalMs: number, log: (line: string) => void): TallyMerger {
  let failing = false;
  return startTicker(
    () =>
      mergeAllTallies(pool, 20)
        .then((r) => {
          if (failing) log("tallies: merging the per-minute record counts works again");
          failing = false;
          return r;
        })
        .catch((err: unknown) => {
          // Said once per outage, not every few seconds.
          if (!failing) log(`tallies: could not merge the per-minute record counts, retrying every ${intervalMs} ms (the dashboard's counts stay exact): ${(err as Error).message}`);
          failing = true;
          return null;
        }),
    intervalMs,
  );
}
