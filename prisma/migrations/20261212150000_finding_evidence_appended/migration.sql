-- Evidence a pass adds to a finding is appended as rows, not rewritten.
-- Until now each pass rewrote the finding's whole evidence array (a per-cycle
-- cap in a storm: every agent's finding, every pass, up to 10,000 ids): 160 MB
-- of dead TOAST in 90 s of the ingest bench, 10 MB/s of WAL, and autovacuum
-- truncating that TOAST under an exclusive lock while the engine waited.
-- finding_records already named every record; `pos` orders the ones appended
-- after the finding was filed (NULL for those it was filed with, which stay
-- in anomaly_findings.evidence). Readers see evidence || appended, in order.
ALTER TABLE "finding_records" ADD COLUMN "pos" BIGINT;
CREATE SEQUENCE "finding_records_pos_seq" AS BIGINT;
CREATE INDEX "finding_records_appended_idx" ON "finding_records"("project_id", "finding_id", "pos") WHERE "pos" IS NOT NULL;
