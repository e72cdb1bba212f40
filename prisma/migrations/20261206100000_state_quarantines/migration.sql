-- State quarantine (docs/adr/0024-lineage-gate-and-state-quarantine.md).
-- A quarantined key is neither read nor written by any guard until an
-- on-call lifts it. The engine opens one when a state.write descends from a
-- record it contained (or failed verification at the door); each row keeps
-- who opened and who lifted it. Every change bumps control_policy_version
-- and NOTIFYs firebreak_policy, as kill switches do, so guards hear of it
-- when it commits.

-- CreateTable
CREATE TABLE "state_quarantines" (
    "project_id" TEXT NOT NULL DEFAULT 'default',
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "record_id" TEXT,
    "reason" TEXT NOT NULL,
    "opened_by" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lifted_by" TEXT,
    "lift_reason" TEXT,
    "lifted_at" TIMESTAMPTZ(3),

    CONSTRAINT "state_quarantines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "state_quarantines_project_id_state_idx" ON "state_quarantines"("project_id", "state");

-- One live quarantine per key: quarantining a key already quarantined is a no-op for the engine, a 409 for a person.
CREATE UNIQUE INDEX "state_quarantines_live_key" ON "state_quarantines"("project_id", "key") WHERE "state" = 'active';

CREATE TRIGGER state_quarantines_policy_version AFTER INSERT OR UPDATE OR DELETE ON "state_quarantines"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_policy_version();
