-- Every index on records, spans and record_edges is paid by each ingested
-- row. Since projects (20261206000000) every query names its project, so an
-- index that does not lead with project_id duplicates one that does. Measured
-- with pg_stat_statements under `npm run bench:ingest`: the ingest statements'
-- time per record fell by 45% (docs/adr/0023-lean-ingest-indexes.md).

-- records: agent/ts, ts, record_id and (tx_id, seq) have project-led twins.
DROP INDEX IF EXISTS "records_agent_ts_idx";
DROP INDEX IF EXISTS "records_ts_idx";
DROP INDEX IF EXISTS "records_record_id_idx";
DROP INDEX IF EXISTS "records_tx_id_seq_idx";
-- kind alone is not selective (most records are messages): (project_id, ts) serves.
DROP INDEX IF EXISTS "records_kind_ts_idx";
-- State keys ride in intent: lineage looks up the latest write of a key at a time.
DROP INDEX IF EXISTS "records_intent_ts_idx";
CREATE INDEX "records_project_id_intent_ts_idx" ON "records"("project_id", "intent", "ts");

-- record_edges: the primary key (project_id, child_id, ...) already answers by child.
DROP INDEX IF EXISTS "record_edges_parent_id_idx";
DROP INDEX IF EXISTS "record_edges_project_id_child_id_idx";

-- spans: nothing reads spans by arrival time.
DROP INDEX IF EXISTS "spans_received_at_idx";
