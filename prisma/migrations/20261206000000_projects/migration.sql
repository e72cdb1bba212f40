-- Projects (tenants): every row of product data belongs to one project, and
-- identity is per project, so keys start with project_id (which is also the
-- column Citus distributes on; docs/adr/0015-projects.md). Existing rows
-- move into the project `default`.

CREATE TABLE "projects" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL DEFAULT 'system',
    CONSTRAINT "projects_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "projects_id_slug" CHECK ("id" ~ '^[a-z0-9][a-z0-9-]{0,39}$')
);
INSERT INTO "projects" ("id", "name") VALUES ('default', 'Default');

-- One column per table, filled with 'default' for the rows already there.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'agents', 'agent_keys', 'contracts', 'spans', 'records', 'nonces', 'record_edges',
    'compromise_marks', 'record_marks', 'anomaly_findings', 'finding_records',
    'breaker_events', 'breaker_states', 'engine_cursors', 'incidents', 'webhooks',
    'api_tokens', 'approval_requests', 'kill_switches', 'kill_switch_events'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN "project_id" TEXT NOT NULL DEFAULT ''default''', t);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE', t, t || '_project_id_fkey');
  END LOOP;
END $$;

-- Registry: agent ids and intents repeat across projects.
ALTER TABLE "agent_keys" DROP CONSTRAINT "agent_keys_agent_id_fkey";
ALTER TABLE "agent_keys" DROP CONSTRAINT "agent_keys_pkey";
ALTER TABLE "agents" DROP CONSTRAINT "agents_pkey";
ALTER TABLE "agents" ADD CONSTRAINT "agents_pkey" PRIMARY KEY ("project_id", "id");
ALTER TABLE "agent_keys" ADD CONSTRAINT "agent_keys_pkey" PRIMARY KEY ("project_id", "agent_id", "key_id");
ALTER TABLE "agent_keys" ADD CONSTRAINT "agent_keys_project_id_agent_id_fkey" FOREIGN KEY ("project_id", "agent_id") REFERENCES "agents"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "contracts" DROP CONSTRAINT "contracts_pkey";
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_pkey" PRIMARY KEY ("project_id", "intent");

-- Replay detection is per project: the same (agent, nonce) in two projects is two first uses.
ALTER TABLE "nonces" DROP CONSTRAINT "nonces_pkey";
ALTER TABLE "nonces" ADD CONSTRAINT "nonces_pkey" PRIMARY KEY ("project_id", "agent", "nonce");

-- records, spans, record_edges: the column and project-first lookup indexes
-- only; their keys are reshaped with their time partitioning.
CREATE INDEX "records_project_id_record_id_idx" ON "records"("project_id", "record_id");
CREATE INDEX "records_project_id_tx_id_seq_idx" ON "records"("project_id", "tx_id", "seq");
CREATE INDEX "records_project_id_ts_idx" ON "records"("project_id", "ts");
CREATE INDEX "records_project_id_agent_ts_idx" ON "records"("project_id", "agent", "ts");
CREATE INDEX "spans_project_id_trace_id_idx" ON "spans"("project_id", "trace_id");
CREATE INDEX "record_edges_project_id_parent_id_idx" ON "record_edges"("project_id", "parent_id");
CREATE INDEX "record_edges_project_id_child_id_idx" ON "record_edges"("project_id", "child_id");

-- Engine state.
ALTER TABLE "finding_records" DROP CONSTRAINT "finding_records_pkey";
ALTER TABLE "finding_records" ADD CONSTRAINT "finding_records_pkey" PRIMARY KEY ("project_id", "record_id", "finding_id");
ALTER TABLE "breaker_states" DROP CONSTRAINT "breaker_states_pkey";
ALTER TABLE "breaker_states" ADD CONSTRAINT "breaker_states_pkey" PRIMARY KEY ("project_id", "sender", "receiver");
ALTER TABLE "engine_cursors" DROP CONSTRAINT "engine_cursors_pkey";
ALTER TABLE "engine_cursors" ADD CONSTRAINT "engine_cursors_pkey" PRIMARY KEY ("project_id", "name");
DROP INDEX "breaker_events_sender_receiver_at_idx";
CREATE INDEX "breaker_events_project_id_sender_receiver_at_idx" ON "breaker_events"("project_id", "sender", "receiver", "at");
CREATE INDEX "breaker_events_project_id_at_idx" ON "breaker_events"("project_id", "at");
DROP INDEX "anomaly_findings_agent_ts_idx";
DROP INDEX "anomaly_findings_detector_ts_idx";
CREATE INDEX "anomaly_findings_project_id_agent_ts_idx" ON "anomaly_findings"("project_id", "agent", "ts");
CREATE INDEX "anomaly_findings_project_id_detector_ts_idx" ON "anomaly_findings"("project_id", "detector", "ts");
CREATE INDEX "anomaly_findings_project_id_impact_idx" ON "anomaly_findings"("project_id", "impact" DESC);
DROP INDEX "compromise_marks_agent_idx";
CREATE INDEX "compromise_marks_project_id_agent_idx" ON "compromise_marks"("project_id", "agent");
DROP INDEX "record_marks_record_id_idx";
CREATE INDEX "record_marks_project_id_record_id_idx" ON "record_marks"("project_id", "record_id");

-- Incidents, control plane, approvals, webhooks, tokens.
DROP INDEX "incidents_status_severity_last_at_idx";
CREATE INDEX "incidents_project_id_status_severity_last_at_idx" ON "incidents"("project_id", "status", "severity", "last_at");
DROP INDEX "kill_switches_live_target_key";
CREATE UNIQUE INDEX "kill_switches_live_target_key" ON "kill_switches"("project_id", "scope", "target") WHERE "state" IN ('active', 'pending');
DROP INDEX "kill_switches_state_idx";
CREATE INDEX "kill_switches_project_id_state_idx" ON "kill_switches"("project_id", "state");
CREATE INDEX "kill_switch_events_project_id_at_idx" ON "kill_switch_events"("project_id", "at");
DROP INDEX "approval_requests_action_id_key";
CREATE UNIQUE INDEX "approval_requests_project_id_action_id_key" ON "approval_requests"("project_id", "action_id");
DROP INDEX "approval_requests_status_expires_at_idx";
CREATE INDEX "approval_requests_project_id_status_expires_at_idx" ON "approval_requests"("project_id", "status", "expires_at");
CREATE INDEX "webhooks_project_id_idx" ON "webhooks"("project_id");
CREATE INDEX "api_tokens_project_id_idx" ON "api_tokens"("project_id");
