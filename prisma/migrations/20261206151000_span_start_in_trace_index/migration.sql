-- The trace screen asks first for a trace's earliest 2,000 spans. With spans
-- found by (project_id, trace_id) alone, PostgreSQL read and sorted every span
-- of the trace to keep 2,000 (555 ms for 100,000 spans on a quiet machine,
-- 1.5 s under load). Adding start_ns to the same index reads them in start
-- order and stops at the window: same number of indexes on spans (the old
-- one is a prefix of the new, so every lookup by trace still uses it), 8
-- bytes more per entry on ingest (docs/adr/0026-trace-first-window-by-index-and-graph-preload.md).
DROP INDEX IF EXISTS "spans_project_id_trace_id_idx";
CREATE INDEX "spans_project_id_trace_id_start_ns_idx" ON "spans"("project_id", "trace_id", "start_ns");
