-- Incidents: findings that share lineage grouped into one thing an analyst
-- acknowledges, annotates and resolves. docs/engine.md ("Incidents") has the
-- grouping and severity rules; every status change is kept in incident_events.

-- CreateTable
CREATE TABLE "incidents" (
    "id" BIGSERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_by" TEXT,
    "acknowledged_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution" TEXT,
    "analyst_acted_at" TIMESTAMPTZ(3),
    "merged_into" BIGINT,
    "origin_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "record_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "agents" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "incidents_status_check" CHECK ("status" IN ('open', 'acknowledged', 'resolved', 'merged')),
    CONSTRAINT "incidents_severity_check" CHECK ("severity" IN ('low', 'medium', 'high', 'critical')),
    -- An incident an analyst has touched is never merged away.
    CONSTRAINT "incidents_merge_check" CHECK (("status" = 'merged') = ("merged_into" IS NOT NULL) AND ("merged_into" IS NULL OR "analyst_acted_at" IS NULL))
);

-- CreateTable
CREATE TABLE "incident_findings" (
    "finding_id" BIGINT NOT NULL,
    "incident_id" BIGINT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_findings_pkey" PRIMARY KEY ("finding_id")
);

-- CreateTable
CREATE TABLE "incident_links" (
    "incident_id" BIGINT NOT NULL,
    "related_id" BIGINT NOT NULL,
    "finding_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_links_pkey" PRIMARY KEY ("incident_id","related_id"),
    -- Stored once per pair, the lower id first.
    CONSTRAINT "incident_links_order_check" CHECK ("incident_id" < "related_id")
);

-- CreateTable
CREATE TABLE "incident_notes" (
    "id" BIGSERIAL NOT NULL,
    "incident_id" BIGINT NOT NULL,
    "author" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_events" (
    "id" BIGSERIAL NOT NULL,
    "incident_id" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT,
    "actor" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "incidents_status_severity_last_at_idx" ON "incidents"("status", "severity", "last_at");

-- CreateIndex
CREATE INDEX "incidents_origin_ids_idx" ON "incidents" USING GIN ("origin_ids");

-- CreateIndex
CREATE INDEX "incidents_record_ids_idx" ON "incidents" USING GIN ("record_ids");

-- CreateIndex
CREATE INDEX "incidents_agents_idx" ON "incidents" USING GIN ("agents");

-- CreateIndex
CREATE INDEX "incident_findings_incident_id_idx" ON "incident_findings"("incident_id");

-- CreateIndex
CREATE INDEX "incident_links_related_id_idx" ON "incident_links"("related_id");

-- CreateIndex
CREATE INDEX "incident_notes_incident_id_at_idx" ON "incident_notes"("incident_id", "at");

-- CreateIndex
CREATE INDEX "incident_events_incident_id_at_idx" ON "incident_events"("incident_id", "at");

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_merged_into_fkey" FOREIGN KEY ("merged_into") REFERENCES "incidents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_findings" ADD CONSTRAINT "incident_findings_finding_id_fkey" FOREIGN KEY ("finding_id") REFERENCES "anomaly_findings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_findings" ADD CONSTRAINT "incident_findings_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_links" ADD CONSTRAINT "incident_links_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_links" ADD CONSTRAINT "incident_links_related_id_fkey" FOREIGN KEY ("related_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_notes" ADD CONSTRAINT "incident_notes_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
