-- A finding's evidence array is rewritten whole every time a pass adds
-- records to it (a per-cycle cap cooling down in a storm: every agent's
-- finding, every pass, up to 10,000 ids). Compressing it again each time
-- was most of that UPDATE's cost (30 ms against 12 ms uncompressed for
-- 1,000 ids added to 50 findings, docs/benchmarks.md); record ids compress
-- little anyway. Out of line, uncompressed.
ALTER TABLE "anomaly_findings" ALTER COLUMN "evidence" SET STORAGE EXTERNAL;
