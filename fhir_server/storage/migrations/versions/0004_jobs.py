"""Background jobs with progress (reindex).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"

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
