import "server-only";
import { z } from "zod";
import type { WindowQuery } from "../api/params.ts";
import { resolveWindow } from "../api/time-window.ts";
import type { AgentsSummaryResponse } from "../api/views.ts";
import type { PrismaClient } from "./generated/client.ts";
import { SqlParams, agentRowsSql, tallyWindow } from "./record-tallies.ts";
import { share, verdictCounts } from "./window-counts.ts";

interface AgentRow {
  id: string;
  registered: boolean;
  display_name: string | null;
  kind: string | null;
  attested: boolean | null;
  version: string | null;
  labels: unknown;
  sent: number;
  verified: number;
  by_verdict: unknown;
  last_seen: Date | null;
}

const Labels = z.record(z.string(), z.string());

/**
 * Every registered agent plus every sender seen in the window, with what it
 * sent in the window. Senders missing from the registry come back with
 * `registered: false`: they are exactly what an analyst must look at.
 */
export async function agentsSummary(db: PrismaClient, project: string, q: WindowQuery, now: Date = new Date()): Promise<AgentsSummaryResponse> {
  const { from, to } = resolveWindow(q, now);
  const p = new SqlParams([project]);
  const w = agentRowsSql(p, project, tallyWindow(from, to));
  const rows = await db.$queryRawUnsafe<AgentRow[]>(
    `WITH w AS (${w}),
    sent AS (
      SELECT agent, sum(n)::int AS sent, coalesce(sum(n) FILTER (WHERE verified), 0)::int AS verified FROM w GROUP BY agent HAVING sum(n) > 0
    ),
    by_verdict AS (
      SELECT agent, jsonb_object_agg(verdict, n) AS by_verdict
        FROM (SELECT agent, v AS verdict, sum(n)::int AS n FROM w CROSS JOIN LATERAL unnest(w.verdicts) AS v GROUP BY agent, v HAVING sum(n) > 0) c
       GROUP BY agent
    ),
    ids AS (
      SELECT id FROM agents WHERE project_id = $1 UNION SELECT agent FROM sent
    )
    SELECT ids.id, (a.id IS NOT NULL) AS registered, a.display_name, a.kind, a.attested, a.version, a.labels,
           COALESCE(s.sent, 0) AS sent, COALESCE(s.verified, 0) AS verified, b.by_verdict, ls.last_seen
      FROM ids
      LEFT JOIN agents a ON a.project_id = $1 AND a.id = ids.id
      LEFT JOIN sent s ON s.agent = ids.id
      LEFT JOIN by_verdict b ON b.agent = ids.id
      -- All-time last record, one index probe on (agent, ts) per agent.
      LEFT JOIN LATERAL (SELECT max(r.ts) AS last_seen FROM records r WHERE r.project_id = $1 AND r.agent = ids.id) ls ON true
     ORDER BY COALESCE(s.sent, 0) DESC, ids.id`,
    ...p.values,
  );
  const [exists] = await db.$queryRaw<{ has_records: boolean }[]>`SELECT EXISTS (SELECT 1 FROM records WHERE project_id = ${project}) AS has_records`;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    hasRecords: exists?.has_records ?? false,
    items: rows.map((r) => {
      const labels = Labels.safeParse(r.labels ?? {});
      return {
        id: r.id,
        registered: r.registered,
        displayName: r.display_name,
        kind: r.kind,
        attested: r.attested ?? false,
        version: r.version,
        labels: labels.success ? labels.data : {},
        sent: r.sent,
        verified: r.verified,
        verifiedShare: share(r.verified, r.sent),
        byVerdict: verdictCounts(r.by_verdict),
        lastSeen: r.last_seen ? r.last_seen.toISOString() : null,
      };
    }),
  };
}
