-- Lineage and engine: the provenance graph's edges, suspicion marks, anomaly
-- findings and circuit breakers. docs/engine.md describes them;
-- docs/adr/0007-provenance-graph-storage.md says why edges have their own table.

-- CreateTable
CREATE TABLE "record_edges" (
    "child_id" TEXT NOT NULL,
    "parent_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "record_edges_pkey" PRIMARY KEY ("child_id","parent_id","kind")
);

-- CreateTable
CREATE TABLE "compromise_marks" (
    "id" BIGSERIAL NOT NULL,
    "agent" TEXT NOT NULL,
    "key_id" TEXT,
    "from_ts" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "marked_by" TEXT NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "compromise_marks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_marks" (
    "id" BIGSERIAL NOT NULL,
    "record_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "marked_by" TEXT NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "record_marks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "anomaly_findings" (
    "id" BIGSERIAL NOT NULL,
    "detector" TEXT NOT NULL,
    "record_id" TEXT,
    "agent" TEXT,
    "subject" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "explanation" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "evidence" TEXT[],
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anomaly_findings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "breaker_events" (
    "id" BIGSERIAL NOT NULL,
    "sender" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "record_ids" TEXT[],
    "detail" TEXT NOT NULL,
    "actor" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "breaker_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "breaker_states" (
    "sender" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "machine" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "breaker_states_pkey" PRIMARY KEY ("sender","receiver")
);

-- CreateIndex
CREATE INDEX "record_edges_parent_id_idx" ON "record_edges"("parent_id");

-- CreateIndex
CREATE INDEX "compromise_marks_agent_idx" ON "compromise_marks"("agent");

-- CreateIndex
CREATE INDEX "record_marks_record_id_idx" ON "record_marks"("record_id");

-- CreateIndex
CREATE INDEX "anomaly_findings_record_id_idx" ON "anomaly_findings"("record_id");

-- CreateIndex
CREATE INDEX "anomaly_findings_detector_ts_idx" ON "anomaly_findings"("detector", "ts");

-- CreateIndex
CREATE INDEX "anomaly_findings_agent_ts_idx" ON "anomaly_findings"("agent", "ts");

-- CreateIndex
CREATE INDEX "breaker_events_sender_receiver_at_idx" ON "breaker_events"("sender", "receiver", "at");

-- CreateIndex
CREATE INDEX "breaker_events_at_idx" ON "breaker_events"("at");

-- Backfill: the edges of records stored before this migration, exactly as
-- insertEdges (lib/db/lineage-store.ts) writes them for new ones.
INSERT INTO "record_edges" ("child_id", "parent_id", "kind")
SELECT r."record_id", p, 'parent' FROM "records" r CROSS JOIN LATERAL unnest(r."parents") AS p WHERE p <> ''
UNION
SELECT r."record_id", a, 'authority' FROM "records" r CROSS JOIN LATERAL unnest(r."authority") AS a WHERE a <> ''
ON CONFLICT DO NOTHING;

INSERT INTO "record_edges" ("child_id", "parent_id", "kind")
SELECT DISTINCT rd."record_id", w."record_id", 'state'
  FROM "records" rd
  CROSS JOIN LATERAL (
    SELECT w."record_id" FROM "records" w
     WHERE w."kind" = 'state.write' AND w."intent" = rd."intent" AND w."ts" <= rd."ts" AND w."record_id" <> rd."record_id"
     ORDER BY w."ts" DESC, w."seq" DESC LIMIT 1
  ) w
 WHERE rd."kind" = 'state.read' AND rd."intent" IS NOT NULL
   AND NOT EXISTS (
     SELECT 1 FROM "records" p
      WHERE p."record_id" = ANY(rd."parents") AND p."kind" = 'state.write' AND p."intent" = rd."intent")
ON CONFLICT DO NOTHING;
