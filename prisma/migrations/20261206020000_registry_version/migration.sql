-- The registry's version (docs/adr/0017-many-collectors-one-truth.md).
-- Any change to projects, agents, their keys or contracts bumps it in the changing
-- transaction, so every collector can tell with one tiny read whether the
-- snapshot it judges by is older than a change already committed, and reload
-- before judging the next batch: a change made through any process is seen
-- by every collector's next request. NOTIFY firebreak_registry carries the new
-- version for processes that listen.

-- CreateTable
CREATE TABLE "registry_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL,

    CONSTRAINT "registry_version_pkey" PRIMARY KEY ("id")
);

INSERT INTO "registry_version" ("id", "version") VALUES (1, 1);

CREATE FUNCTION firebreak_bump_registry_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v BIGINT;
BEGIN
  UPDATE registry_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  PERFORM pg_notify('firebreak_registry', v::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER agents_bump_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "agents"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_registry_version();
CREATE TRIGGER agent_keys_bump_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "agent_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_registry_version();
CREATE TRIGGER contracts_bump_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "contracts"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_registry_version();
-- A new project gets its own (empty) registry snapshot at every collector.
CREATE TRIGGER projects_bump_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "projects"
  FOR EACH STATEMENT EXECUTE FUNCTION firebreak_bump_registry_version();
