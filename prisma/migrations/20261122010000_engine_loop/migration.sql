-- The engine's evaluation loop: where it has got to in the records table, and
-- the impact score of each finding (deviation times downstream reach).
--
-- The loop reads records in the order of the transactions that stored them
-- (tx_id, then seq), and only those of transactions older than every one
-- still running: a seq alone would let a record committed late, with a lower
-- seq than one already read, slip behind the cursor and never be judged.

-- AlterTable
ALTER TABLE "records" ADD COLUMN "tx_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),
-- A record stored `pending` is settled later; the settling transaction is
-- recorded so the engine's breakers count its final verdict exactly once.
ADD COLUMN "settled_tx_id" xid8;

-- CreateIndex
CREATE INDEX "records_tx_id_seq_idx" ON "records"("tx_id", "seq");

-- CreateIndex
CREATE INDEX "records_settled_tx_id_seq_idx" ON "records"("settled_tx_id", "seq") WHERE "settled_tx_id" IS NOT NULL;

-- CreateTable
CREATE TABLE "engine_cursors" (
    "name" TEXT NOT NULL,
    "tx_id" xid8 NOT NULL DEFAULT '0',
    "seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "engine_cursors_pkey" PRIMARY KEY ("name")
);

-- AlterTable
ALTER TABLE "anomaly_findings" ADD COLUMN "impact" DOUBLE PRECISION,
ADD COLUMN "reach" INTEGER;

-- CreateIndex
CREATE INDEX "anomaly_findings_impact_idx" ON "anomaly_findings"("impact" DESC);
