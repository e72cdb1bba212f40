// What the chaos run's engine observer (lib/sim/engine-observer.ts) reads,
// straight from the database: the tests' harness database, or a local
// Firebreak's with DATABASE_URL. Lineage goes through the same walks the
// API answers with.
import pg from "pg";
import { evidenceOf, namesAnyOf } from "./finding-evidence.ts";
import type { BreakerTrip, ChaosEngineSource } from "../sim/engine-observer.ts";
import type { EngineFinding, FindingParam } from "../sim/clean-flags.ts";
import { CURSOR_NAME } from "../engine/evaluator/evaluator.ts";
import { traceBlastRadius, traceOrigin } from "../lineage/lineage-queries.ts";
import { readCursor } from "./evaluator-store.ts";
import type { Queryable } from "./lineage-store.ts";
import { DEFAULT_PROJECT } from "../accounts/project.ts";

export function databaseEngineSource(q: Queryable, project: string = DEFAULT_PROJECT): ChaosEngineSource {
  return {
    async unjudged(agents) {
      const cursor = await readCursor(q, project, CURSOR_NAME);
      const r = await q.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM records WHERE project_id = $4 AND agent = ANY($1::text[]) AND (tx_id, seq) > ($2::xid8, $3::bigint)",
        [agents, cursor.txId, cursor.seq, project],
      );
      return Number(r.rows[0]?.n ?? 0);
    },

    async findings({ recordIds }) {
      // By record, not by agent: a finding's agent can be the claimed sender
      // of a forged record, or none for a loop across agents.
      const r = await q.query<{ detector: string; record_id: string | null; evidence: string[] | null; ts: Date; subject: string; explanation: string; params: Record<string, FindingParam> | null }>(
        `SELECT detector, record_id, ${evidenceOf("f")} AS evidence, ts, subject, explanation, params FROM anomaly_findings f
          WHERE project_id = $2 AND ${namesAnyOf("f", "$1::text[]", "$2")}`,
        [recordIds, project],
      );
      return r.rows.map(
        (x): EngineFinding => ({ detector: x.detector, recordId: x.record_id, evidence: x.evidence ?? [], at: x.ts.getTime(), subject: x.subject, explanation: x.explanation, params: x.params ?? {} }),
      );
    },

    async trips({ agents, since }) {
      const r = await q.query<{ sender: string; receiver: string; at: Date; created_at: Date; cause: string; record_ids: string[] | null }>(
        `SELECT sender, receiver, at, created_at, cause, record_ids FROM breaker_events
          WHERE project_id = $3 AND to_state = 'OPEN' AND from_state <> 'OPEN' AND sender = ANY($1::text[]) AND at >= $2 ORDER BY at, id`,
        [agents, new Date(since), project],
      );
      return r.rows.map((x): BreakerTrip => ({ sender: x.sender, receiver: x.receiver, at: x.at.getTime(), committedAt: x.created_at.getTime(), cause: x.cause, recordIds: x.record_ids ?? [] }));
    },

    async origin(recordId) {
      const report = await traceOrigin(q, project, recordId);
      return { origins: report.origins.map((o) => o.id), truncated: [...report.truncated] };
    },

    async blastRadius(recordId) {
      const radius = await traceBlastRadius(q, project, recordId);
      return { descendants: radius.descendants.map((d) => ({ id: d.id, tainted: d.tainted })), truncated: [...radius.truncated] };
    },
  };
}

/**
 * A pool for scoring: concurrent runs each trace several origins and blast
 * radii at once, more than `max` connections, so a trace waits its turn as
 * long as it must. The collector's pool gives up after 10 s (a request must
 * not hold its admission slot while the database hangs); a score that gave up
 * would report a run as failed because the machine was busy.
 */
export function scoringPool(connectionString: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, allowExitOnIdle: true });
  pool.on("error", () => {});
  return pool;
}
