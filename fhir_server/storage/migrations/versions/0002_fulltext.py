"""Full-text search rows (_text, _content).

One row per resource and parameter: the document's tokens (fhir_server/search/fulltext),
written with the other index rows. A GIN index per parameter on its tsvector ('simple':
no stemming, no stop words; the tokens are already folded and CJK text already cut into
bigrams). The search SQL repeats the indexed expression and the parameter literal.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"

TABLES = """
CREATE TABLE idx_text (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                       value text NOT NULL);
CREATE INDEX idx_text_rid ON idx_text (rid);
CREATE INDEX idx_text_narrative ON idx_text USING gin (to_tsvector('simple', value))
    WHERE param = '_text';
CREATE INDEX idx_text_content ON idx_text USING gin (to_tsvector('simple', value))
    WHERE param = '_content'
"""

DROP = """
DROP TABLE IF EXISTS idx_text
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)


def downgrade() -> None:
    _each(DROP)
