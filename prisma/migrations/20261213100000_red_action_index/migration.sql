-- The breakers' review rule (a tripped breaker on an edge leading to a red
-- action waits for a human review before it closes) asks once a minute
-- which agents took a red action in the last week (redActionContext in
-- lib/db/engine-store.ts). Through the (project_id, ts) index that read every
-- record of the week; red actions are few, so a partial index holds only them
-- and costs ingest one predicate per row.
CREATE INDEX "records_red_actions_idx" ON "records"("project_id", "ts") WHERE "kind" = 'action' AND "action_class" = 'red';
