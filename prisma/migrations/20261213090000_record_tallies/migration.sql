-- Records counted per minute as they are stored (docs/adr/0051-record-tallies.md).
-- The dashboard's fleet questions (who sent what, each edge's traffic, the
-- rate over time) read these counts for the whole minutes of a window and
-- the records themselves only for the partial minutes at its two ends, so a
-- poll no longer rereads every record of its window.
--
-- Rows are deltas: every statement that inserts, updates or deletes records
-- appends its own rows here (statement triggers below, in the same
-- transaction, so a count is durable exactly when its records are), and no
-- two writers ever touch the same row. The collector merges each minute's
-- deltas into one row per key (lib/db/record-tallies.ts, mergeTallies).
--
-- receiver NULL: the agent's row, every record it stored once.
-- receiver set:  one edge of a `message`, once per record naming the
--                receiver (n) and once per time it is named (named).
CREATE TABLE "record_tallies" (
    "project_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "agent" TEXT NOT NULL,
    "receiver" TEXT,
    "verdicts" TEXT[] NOT NULL,
    "verified" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL,
    "named" INTEGER NOT NULL,
    -- The latest signed ts among the records counted; NULL on a row that only takes records away.
    "last_ts" TIMESTAMPTZ(3),
    "merged" BOOLEAN NOT NULL DEFAULT false
);

CREATE INDEX "record_tallies_project_minute_idx" ON "record_tallies"("project_id", "minute");
CREATE INDEX "record_tallies_unmerged_idx" ON "record_tallies"("project_id", "minute") WHERE NOT "merged";

-- Whole minutes on the epoch, whatever the session's time zone.
CREATE FUNCTION firebreak_minute(ts timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_bin('1 minute', ts, timestamptz '1970-01-01 00:00:00+00') $$;

-- What one record counts as: its agent's row, and a row per receiver of a message.
CREATE FUNCTION firebreak_tally_keys(kind text, receivers text[]) RETURNS TABLE (receiver text, named integer)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT NULL::text, 1
  UNION ALL
  SELECT u, count(*)::int FROM unnest(receivers) u WHERE kind = 'message' GROUP BY u
$$;

CREATE FUNCTION firebreak_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_tallies (project_id, minute, agent, receiver, verdicts, verified, n, named, last_ts)
  SELECT r.project_id, firebreak_minute(r.ts), r.agent, k.receiver, r.verdicts, r.verified, count(*), sum(k.named), max(r.ts)
    FROM new_rows r CROSS JOIN LATERAL firebreak_tally_keys(r.kind, r.receivers) k
   GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END;
$$;

-- Taking records away leaves last_ts unknown (NULL): the merge finds it again.
CREATE FUNCTION firebreak_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_tallies (project_id, minute, agent, receiver, verdicts, verified, n, named, last_ts)
  SELECT r.project_id, firebreak_minute(r.ts), r.agent, k.receiver, r.verdicts, r.verified, -count(*), -sum(k.named), NULL
    FROM old_rows r CROSS JOIN LATERAL firebreak_tally_keys(r.kind, r.receivers) k
   GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END;
$$;

-- An update (a pending record settling) is its old self taken away and its
-- new self added, for rows whose counted columns changed. The two are kept
-- apart, not netted: a record moved later within its minute must still
-- carry its new time.
CREATE FUNCTION firebreak_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_tallies (project_id, minute, agent, receiver, verdicts, verified, n, named, last_ts)
  WITH changed AS (
    SELECT o.seq FROM old_rows o JOIN new_rows n ON n.seq = o.seq
     WHERE (o.project_id, o.ts, o.agent, o.kind, o.receivers, o.verdicts, o.verified)
           IS DISTINCT FROM (n.project_id, n.ts, n.agent, n.kind, n.receivers, n.verdicts, n.verified)
  ), moved AS (
    SELECT -1 AS sign, o.project_id, o.ts, o.agent, o.kind, o.receivers, o.verdicts, o.verified FROM old_rows o JOIN changed c ON c.seq = o.seq
    UNION ALL
    SELECT 1, n.project_id, n.ts, n.agent, n.kind, n.receivers, n.verdicts, n.verified FROM new_rows n JOIN changed c ON c.seq = n.seq
  )
  SELECT m.project_id, firebreak_minute(m.ts), m.agent, k.receiver, m.verdicts, m.verified,
         m.sign * count(*), m.sign * sum(k.named), CASE WHEN m.sign > 0 THEN max(m.ts) END
    FROM moved m CROSS JOIN LATERAL firebreak_tally_keys(m.kind, m.receivers) k
   GROUP BY 1, 2, 3, 4, 5, 6, m.sign;
  RETURN NULL;
END;
$$;

CREATE FUNCTION firebreak_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM record_tallies;
  RETURN NULL;
END;
$$;

CREATE TRIGGER records_tally_insert AFTER INSERT ON "records" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_tally_insert();
CREATE TRIGGER records_tally_update AFTER UPDATE ON "records" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_tally_update();
CREATE TRIGGER records_tally_delete AFTER DELETE ON "records" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_tally_delete();
CREATE TRIGGER records_tally_truncate AFTER TRUNCATE ON "records"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_tally_truncate();

-- The records already stored, counted once.
INSERT INTO record_tallies (project_id, minute, agent, receiver, verdicts, verified, n, named, last_ts, merged)
SELECT r.project_id, firebreak_minute(r.ts), r.agent, k.receiver, r.verdicts, r.verified, count(*), sum(k.named), max(r.ts), true
  FROM records r CROSS JOIN LATERAL firebreak_tally_keys(r.kind, r.receivers) k
 GROUP BY 1, 2, 3, 4, 5, 6;
