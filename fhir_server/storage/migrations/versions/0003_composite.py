"""Composite search parameter index rows.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"

TABLES = """
"""

DROP = """
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)


def downgrade() -> None:
    _each(DROP)
