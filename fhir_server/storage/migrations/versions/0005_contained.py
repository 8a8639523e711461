"""Search index rows of contained resources.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"

TABLES = """
-- The search values of contained resources, kept apart from the idx_* tables so that a
-- normal search never matches a container through what it contains (R4 search.html#contained).
-- rid and res_type are the container's, ctype and cid the contained resource's type and id.
-- Rows with cid '' are the container's own references to its contained resources (b '#id'),
-- rows with param '_id' list the contained resources. The value is a typed slot
-- (storage/statements.py SLOT).
CREATE TABLE idx_contained (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
    ctype text NOT NULL, cid text NOT NULL, a text, b text, c text, n numeric, m numeric,
    lo timestamptz, hi timestamptz);
CREATE INDEX idx_contained_rid ON idx_contained (rid, cid);
CREATE INDEX idx_contained_value ON idx_contained (ctype, param, b);
"""

DROP = """
DROP TABLE IF EXISTS idx_contained;
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)


def downgrade() -> None:
    _each(DROP)
