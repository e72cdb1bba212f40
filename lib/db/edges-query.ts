import "server-only";
import type { WindowQuery } from "../api/params.ts";
import { resolveWindow } from "../api/time-window.ts";
import type { EdgesResponse } from "../api/views.ts";
import type { PrismaClient } from "./generated/client.ts";
import { SqlParams, edgeRowsSql, tallyWindow } from "./record-tallies.ts";
import { share, verdictCounts } from "./window-counts.ts";

interface EdgeRow {
  sender: string;
  receiver: string;
  total: number;
  verified: number;
  by_verdict: unknown;
  last_seen: Date;
}

/**
 * Who sent messages to whom in a window, and how they fared at the door: one
 * row per sender -> receiver of `message` records (a message to three
 * receivers counts once on each edge).
 */
export async function edgeSummary(db: PrismaClient, project: string, q: WindowQuery, now: Date = new Date()): Promise<EdgesResponse> {
  const { from, to } = resolveWindow(q, now);
  const p = new SqlParams();
  const e = edgeRowsSql(p, project, tallyWindow(from, to));
  const rows = await db.$queryRawUnsafe<EdgeRow[]>(
    `WITH e AS (${e}),
    totals AS (
      SELECT sender, receiver, sum(named)::int AS total, coalesce(sum(named) FILTER (WHERE verified), 0)::int AS verified, max(last_ts) AS last_seen
        FROM e GROUP BY sender, receiver HAVING sum(named) > 0
    ),
    by_verdict AS (
      SELECT sender, receiver, jsonb_object_agg(verdict, n) AS by_verdict
        FROM (SELECT sender, receiver, v AS verdict, sum(named)::int AS n
                FROM e CROSS JOIN LATERAL unnest(e.verdicts) AS v
               GROUP BY sender, receiver, v HAVING sum(named) > 0) c
       GROUP BY sender, receiver
    )
    SELECT t.sender, t.receiver, t.total, t.verified, b.by_verdict, t.last_seen
      FROM totals t LEFT JOIN by_verdict b USING (sender, receiver)
     ORDER BY t.total DESC, t.sender, t.receiver`,
    ...p.values,
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    items: rows.map((r) => ({
      sender: r.sender,
      receiver: r.receiver,
      total: r.total,
      verified: r.verified,
      verifiedShare: share(r.verified, r.total) ?? 0,
      byVerdict: verdictCounts(r.by_verdict),
      lastSeen: r.last_seen.toISOString(),
    })),
  };
}
