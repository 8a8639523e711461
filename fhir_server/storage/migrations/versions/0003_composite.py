"""Composite search parameter index rows.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"

TABLES = """
-- One row per element a composite parameter's components were read from (e.g. one
-- Observation.component): slot k holds component k's value in the typed columns its
-- index table maps onto (storage/statements.py SLOT), so the components of a row belong to
-- the same element (R4 search.html#composite).
CREATE TABLE idx_composite (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
    a0 text, b0 text, c0 text, n0 numeric, m0 numeric, lo0 timestamptz, hi0 timestamptz,
    a1 text, b1 text, c1 text, n1 numeric, m1 numeric, lo1 timestamptz, hi1 timestamptz,
    a2 text, b2 text, c2 text, n2 numeric, m2 numeric, lo2 timestamptz, hi2 timestamptz);
CREATE INDEX idx_composite_rid ON idx_composite (rid);
CREATE INDEX idx_composite_code_number ON idx_composite (res_type, param, b0, n1);
CREATE INDEX idx_composite_code_code ON idx_composite (res_type, param, b0, b1);
"""

DROP = """
DROP TABLE IF EXISTS idx_composite;
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)


def downgrade() -> None:
    _each(DROP)
