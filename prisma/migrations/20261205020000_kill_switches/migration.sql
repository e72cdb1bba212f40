-- Kill switches and the enforcement policy's version (docs/adr/0009-control-plane-stream.md).
-- Acts are stored as events; kill_switches caches each switch's current state.
-- Every change a guard must obey (a kill switch, a breaker changing state)
-- bumps control_policy_version in the acting transaction and NOTIFYs
-- firebreak_policy with the new version, so every stream in every process
-- hears about it when the change commits.

-- CreateTable
CREATE TABLE "kill_switch_events" (
    "id" BIGSERIAL NOT NULL,
    "switch_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "kill_switch_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kill_switches" (
    "id" BIGSERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "confirmed_by" TEXT,
    "confirm_reason" TEXT,
    "confirmed_at" TIMESTAMPTZ(3),
    "lifted_by" TEXT,
    "lift_reason" TEXT,
    "lifted_at" TIMESTAMPTZ(3),

    CONSTRAINT "kill_switches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "control_policy_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL,

    CONSTRAINT "control_policy_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "kill_switch_events_switch_id_at_idx" ON "kill_switch_events"("switch_id", "at");

-- CreateIndex
CREATE INDEX "kill_switch_events_at_idx" ON "kill_switch_events"("at");

-- CreateIndex
CREATE INDEX "kill_switches_state_idx" ON "kill_switches"("state");

-- One live switch per target: killing what is already killed is refused, not doubled.
CREATE UNIQUE INDEX "kill_switches_live_target_key" ON "kill_switches"("scope", "target") WHERE "state" IN ('active', 'pending');

INSERT INTO "control_policy_version" ("id", "version") VALUES (1, 1);

CREATE FUNCTION firebreak_bump_policy_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v BIGINT;
BEGIN
  UPDATE control_policy_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  PERFORM pg_notify('firebreak_policy', v::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER kill_switches_policy_version AFTER INSERT OR UPDATE OR DELETE ON "kill_switches"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_policy_version();

-- Breakers: only a change of state matters to a guard, not the window counts the engine updates on every record.
CREATE TRIGGER breaker_states_policy_version_insert AFTER INSERT ON "breaker_states"
  FOR EACH ROW WHEN (NEW.state <> 'CLOSED') EXECUTE FUNCTION firebreak_bump_policy_version();
CREATE TRIGGER breaker_states_policy_version_update AFTER UPDATE ON "breaker_states"
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION firebreak_bump_policy_version();
CREATE TRIGGER breaker_states_policy_version_delete AFTER DELETE ON "breaker_states"
  FOR EACH ROW WHEN (OLD.state <> 'CLOSED') EXECUTE FUNCTION firebreak_bump_policy_version();
-- Emptied tables (tests, a reset) change the policy too.
CREATE TRIGGER kill_switches_policy_version_truncate AFTER TRUNCATE ON "kill_switches"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_policy_version();
CREATE TRIGGER breaker_states_policy_version_truncate AFTER TRUNCATE ON "breaker_states"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_policy_version();
