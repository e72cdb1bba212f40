-- Storage that grows (docs/adr/0016-partitioned-storage.md): records and
-- spans become tables partitioned by week (Monday 00:00 UTC to the next) on
-- the time the content itself carries (records.ts, spans.start_ns), so an
-- identical retry lands in the same partition and stays a no-op, retention
-- drops whole weeks, and a lookup by id that time cannot prune probes a
-- handful of partitions, not one per day. Keys put
-- project_id first: it is the column Citus distributes on.

-- The projects migration (20261206000000) adds project_id too; whichever runs
-- first, the column is there exactly once.
ALTER TABLE "records" ADD COLUMN IF NOT EXISTS "project_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "spans" ADD COLUMN IF NOT EXISTS "project_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "record_edges" ADD COLUMN IF NOT EXISTS "project_id" TEXT NOT NULL DEFAULT 'default';

-- A partition's bounds for the UTC week starting on Monday `day`. spans are
-- keyed by start_ns (nanoseconds since the epoch), records by ts.
-- lib/db/partitions.ts builds the same bounds for the partitions it creates ahead.
CREATE FUNCTION pg_temp.fb_week_bounds(parent text, day date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN parent = 'spans'
    THEN format('FROM (%s) TO (%s)',
                (extract(epoch FROM day::timestamp) * 1000000000)::numeric::bigint,
                (extract(epoch FROM (day + 7)::timestamp) * 1000000000)::numeric::bigint)
    ELSE format('FROM (%L) TO (%L)', to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(day + 7, 'YYYY-MM-DD') || ' 00:00:00+00')
  END
$$;

-- Rebuilds one table as a partitioned table with the same columns (LIKE keeps
-- them in order, whatever another migration added), the given keys, every
-- non-unique index it had (recreated on the parent, so each partition gets
-- its own), its foreign keys, a default partition for times outside every
-- week partition, and a week partition for each week of existing data from
-- 90 days back to 7 days ahead and for the week holding yesterday to next
-- week. Then copies every row and drops the old table.
CREATE FUNCTION pg_temp.fb_repartition(tbl text, key text, pk text, uniq text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  old text := tbl || '_unpartitioned';
  index_defs text[];
  fk_defs text[];
  def text;
  ix record;
  seq_name text;
  day date;
  -- date_trunc('week') starts weeks on Monday, as the plan module does.
  day_expr text := CASE WHEN tbl = 'spans' THEN '(to_timestamp(start_ns / 1000000000) AT TIME ZONE ''UTC'')::date'
                        ELSE '(ts AT TIME ZONE ''UTC'')::date' END;
  week_expr text := 'date_trunc(''week'', ' || day_expr || '::timestamp)::date';
  today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}') INTO index_defs
    FROM pg_index i WHERE i.indrelid = tbl::regclass AND NOT i.indisunique AND NOT i.indisprimary;
  SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, c.conname, pg_get_constraintdef(c.oid))), '{}') INTO fk_defs
    FROM pg_constraint c WHERE c.conrelid = tbl::regclass AND c.contype = 'f';
  seq_name := pg_get_serial_sequence(tbl, 'seq');

  EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
  FOR ix IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = old::regclass LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', ix.relname, left(ix.relname, 48) || '_unpartitioned');
  END LOOP;
  -- The sequence outlives the old table: the new one numbers on from it.
  EXECUTE format('ALTER SEQUENCE %s OWNED BY NONE', seq_name);

  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (%I)', tbl, old, key);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (%s)', tbl, tbl || '_pkey', pk);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (%s)', tbl, tbl || '_project_trace_span_content_key', uniq);
  FOREACH def IN ARRAY index_defs LOOP EXECUTE def; END LOOP;
  FOREACH def IN ARRAY fk_defs LOOP EXECUTE def; END LOOP;

  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
  FOR day IN EXECUTE format(
      'SELECT DISTINCT %s FROM %I WHERE %s BETWEEN $1 - 90 AND $1 + 7
       UNION SELECT generate_series(date_trunc(''week'', ($1 - 1)::timestamp), date_trunc(''week'', $1::timestamp) + interval ''1 week'', interval ''1 week'')::date',
      week_expr, old, day_expr) USING today LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES %s', tbl || '_p' || to_char(day, 'YYYYMMDD'), tbl, pg_temp.fb_week_bounds(tbl, day));
  END LOOP;

  EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old);
  EXECUTE format('DROP TABLE %I', old);
  EXECUTE format('ALTER SEQUENCE %s OWNED BY %I.seq', seq_name, tbl);
END $$;

SELECT pg_temp.fb_repartition('records', 'ts', '"project_id", "seq", "ts"', '"project_id", "trace_id", "span_id", "content_hash", "ts"');
SELECT pg_temp.fb_repartition('spans', 'start_ns', '"project_id", "seq", "start_ns"', '"project_id", "trace_id", "span_id", "content_hash", "start_ns"');

-- Edges stay one table (no time of their own); retention deletes the edges
-- of records it removes. The key leads with project_id for Citus.
ALTER TABLE "record_edges" DROP CONSTRAINT "record_edges_pkey";
ALTER TABLE "record_edges" ADD CONSTRAINT "record_edges_pkey" PRIMARY KEY ("project_id", "child_id", "parent_id", "kind");

-- How long each project keeps its records and spans; a project with no row
-- keeps them FIREBREAK_RETENTION_DAYS (30 by default).
CREATE TABLE "project_retention" (
    "project_id" TEXT NOT NULL,
    "retention_days" INTEGER NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_retention_pkey" PRIMARY KEY ("project_id"),
    CONSTRAINT "project_retention_days_range" CHECK ("retention_days" BETWEEN 1 AND 3650)
);

-- Records that retention removed and whose edges are still to delete: the
-- maintainer sweeps them in bounded batches after the drop or delete.
CREATE TABLE "retention_edge_sweep" (
    "id" BIGSERIAL NOT NULL,
    "project_id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,

    CONSTRAINT "retention_edge_sweep_pkey" PRIMARY KEY ("id")
);

-- Nonces older than twice the skew window plus a margin can go: a replay of
-- their record is refused as stale before its nonce is looked at. The
-- maintainer deletes them by age (the table's key is the projects
-- migration's business).
CREATE INDEX IF NOT EXISTS "nonces_seen_at_idx" ON "nonces"("seen_at");
