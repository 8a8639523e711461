"""Background jobs with progress (reindex).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"

TABLES = """
-- Background jobs (reindex): state, progress as done/total, and the last rid a finished
-- batch covered (cursor), so a job restarted after a lost worker continues from there.
CREATE TABLE job (
    id        text        PRIMARY KEY,
    kind      text        NOT NULL,
    params    jsonb       NOT NULL DEFAULT '{}',
    state     text        NOT NULL DEFAULT 'queued'
              CHECK (state IN ('queued', 'running', 'done', 'failed')),
    done      bigint      NOT NULL DEFAULT 0,
    total     bigint,
    cursor    bigint      NOT NULL DEFAULT 0,
    created   timestamptz NOT NULL DEFAULT now(),
    started   timestamptz,
    finished  timestamptz,
    error     text
);
CREATE INDEX job_unfinished ON job (created) WHERE state IN ('queued', 'running');
-- The version of the stored SearchParameters, one row: every API process compares it with
-- the version its registry was built at, per request. pending lists the urls of stored
-- SearchParameters whose existing data is not reindexed yet.
CREATE TABLE search_registry (
    id       integer PRIMARY KEY CHECK (id = 1),
    version  bigint  NOT NULL,
    pending  text[]  NOT NULL DEFAULT '{}'
);
INSERT INTO search_registry VALUES (1, 0, '{}')
"""

# One statement with semicolons inside: run whole, not split. A SearchParameter written
# (active or draft) bumps the version, becomes pending and gets a reindex job of its code
# on its base types, all in the writing transaction; a deleted or retired one only bumps
# the version.
FUNCTION = """
CREATE FUNCTION search_registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    body jsonb := CASE WHEN NEW.deleted THEN NULL
                       ELSE convert_from(NEW.body, 'UTF8')::jsonb END;
    url text := CASE WHEN body->>'status' IN ('active', 'draft') THEN body->>'url' END;
BEGIN
    UPDATE search_registry SET version = version + 1,
        pending = CASE WHEN url IS NULL THEN pending
                       ELSE array_append(array_remove(pending, url), url) END
    WHERE id = 1;
    IF url IS NOT NULL THEN
        INSERT INTO job (id, kind, params) VALUES (gen_random_uuid()::text, 'reindex',
            jsonb_build_object('types', body->'base', 'codes', jsonb_build_array(body->'code'),
                               'urls', jsonb_build_array(url)));
    END IF;
    RETURN NULL;
END $$
"""

TRIGGER = """
CREATE TRIGGER resource_search_parameter AFTER INSERT OR UPDATE ON resource
    FOR EACH ROW WHEN (NEW.res_type = 'SearchParameter') EXECUTE FUNCTION search_registry_changed()
"""

DROP = """
DROP TRIGGER IF EXISTS resource_search_parameter ON resource;
DROP FUNCTION IF EXISTS search_registry_changed();
DROP TABLE IF EXISTS search_registry;
DROP TABLE IF EXISTS job;
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)
    op.execute(FUNCTION)
    op.execute(TRIGGER)


def downgrade() -> None:
    _each(DROP)
