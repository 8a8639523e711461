"""Full-text search rows (_text, _content).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"

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
