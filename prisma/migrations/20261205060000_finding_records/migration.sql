-- Every record a finding names (its record and its evidence), so lineage
-- reads a record's findings with one index lookup, whether the finding is
-- about the record or rests on it (docs/engine.md, "Suspicion").
CREATE TABLE "finding_records" (
    "record_id" TEXT NOT NULL,
    "finding_id" BIGINT NOT NULL,

    CONSTRAINT "finding_records_pkey" PRIMARY KEY ("record_id","finding_id")
);

CREATE INDEX "finding_records_finding_id_idx" ON "finding_records"("finding_id");

ALTER TABLE "finding_records" ADD CONSTRAINT "finding_records_finding_id_fkey" FOREIGN KEY ("finding_id") REFERENCES "anomaly_findings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Findings stored before this migration.
INSERT INTO "finding_records" ("record_id", "finding_id")
SELECT DISTINCT x.record_id, f.id
  FROM "anomaly_findings" f
  CROSS JOIN LATERAL unnest(array_append(coalesce(f.evidence, '{}'::text[]), f.record_id)) AS x(record_id)
 WHERE x.record_id IS NOT NULL
ON CONFLICT DO NOTHING;
