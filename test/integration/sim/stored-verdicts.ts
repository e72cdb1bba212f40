// Reads a run's stored verdicts straight from the harness database: what the
// simulator's API source (lib/sim/verdicts.ts) fetches from a running
// Firebreak, without the dashboard.
import type pg from "pg";
import type { StoredVerdict, VerdictSource } from "@/lib/sim/verdicts.ts";

export function databaseVerdicts(pool: pg.Pool): VerdictSource {
  return {
    async forAgents(agentIds) {
      const r = await pool.query<{ record_id: string; seq: string; agent: string; verdicts: string[] | null; received_at: Date; ts: Date; receivers: string[] | null }>(
        "SELECT record_id, seq::text AS seq, agent, verdicts, received_at, ts, receivers FROM records WHERE agent = ANY($1::text[]) ORDER BY seq",
        [agentIds],
      );
      return r.rows.map(
        (x): StoredVerdict => ({
          id: x.record_id,
          seq: BigInt(x.seq),
          agent: x.agent,
          verdicts: x.verdicts ?? [],
          receivedAt: x.received_at.getTime(),
          ts: x.ts.getTime(),
          receivers: x.receivers ?? [],
        }),
      );
    },
  };
}
