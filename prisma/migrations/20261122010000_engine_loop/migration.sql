-- The engine's evaluation loop: where it has got to in the records table, and
-- the impact score of each finding (deviation times downstream reach).

-- CreateTable
CREATE TABLE "engine_cursors" (
    "name" TEXT NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "engine_cursors_pkey" PRIMARY KEY ("name")
);

-- AlterTable
ALTER TABLE "anomaly_findings" ADD COLUMN "impact" DOUBLE PRECISION,
ADD COLUMN "reach" INTEGER;

-- CreateIndex
CREATE INDEX "anomaly_findings_impact_idx" ON "anomaly_findings"("impact" DESC);
