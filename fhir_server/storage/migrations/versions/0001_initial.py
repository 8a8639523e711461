"""Current resources, full history, search index tables and conditional-create keys.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None

TABLES = """
CREATE TABLE resource (
    rid          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    res_type     text        NOT NULL,
    res_id       text        NOT NULL,
    version      integer     NOT NULL,
    last_updated timestamptz NOT NULL,
    deleted      boolean     NOT NULL DEFAULT false,
    body         bytea,
    UNIQUE (res_type, res_id)
);
CREATE TABLE resource_history (
    rid          bigint      NOT NULL,
    version      integer     NOT NULL,
    res_type     text        NOT NULL,
    res_id       text        NOT NULL,
    last_updated timestamptz NOT NULL,
    method       text        NOT NULL,
    body         bytea,
    raw          bytea,
    raw_type     text,
    PRIMARY KEY (rid, version)
);
CREATE INDEX resource_history_time ON resource_history (last_updated, rid, version);
CREATE INDEX resource_history_type_time ON resource_history (res_type, last_updated, rid, version);
CREATE TABLE conditional_key (
    res_type  text   NOT NULL,
    criteria  text   NOT NULL,
    rid       bigint,
    PRIMARY KEY (res_type, criteria)
);
CREATE TABLE idx_string (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                         value text NOT NULL);
CREATE TABLE idx_token (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                        system text NOT NULL, code text NOT NULL);
CREATE TABLE idx_reference (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                            target_type text, target_id text, url text);
CREATE TABLE idx_date (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                       lo timestamptz NOT NULL, hi timestamptz NOT NULL);
CREATE TABLE idx_number (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                         value numeric NOT NULL);
CREATE TABLE idx_quantity (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                           system text NOT NULL, code text NOT NULL, value numeric NOT NULL);
CREATE TABLE idx_uri (rid bigint NOT NULL, res_type text NOT NULL, param text NOT NULL,
                      uri text NOT NULL);
CREATE INDEX idx_string_rid ON idx_string (rid);
CREATE INDEX idx_string_value ON idx_string (res_type, param, value text_pattern_ops);
CREATE INDEX idx_token_rid ON idx_token (rid);
CREATE INDEX idx_token_code ON idx_token (res_type, param, code, system);
CREATE INDEX idx_reference_rid ON idx_reference (rid);
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, param);
CREATE INDEX idx_date_rid ON idx_date (rid);
CREATE INDEX idx_date_range ON idx_date (res_type, param, lo, hi);
CREATE INDEX idx_number_rid ON idx_number (rid);
CREATE INDEX idx_number_value ON idx_number (res_type, param, value);
CREATE INDEX idx_quantity_rid ON idx_quantity (rid);
CREATE INDEX idx_quantity_value ON idx_quantity (res_type, param, code, value);
CREATE INDEX idx_uri_rid ON idx_uri (rid);
CREATE INDEX idx_uri_value ON idx_uri (res_type, param, uri);
CREATE INDEX resource_type_rid ON resource (res_type, rid) WHERE NOT deleted;
CREATE INDEX resource_type_updated ON resource (res_type, last_updated);
"""

DROP = """
DROP TABLE IF EXISTS idx_uri, idx_quantity, idx_number, idx_date, idx_reference, idx_token,
    idx_string, conditional_key, resource_history, resource;
"""


def _each(script: str) -> None:
    # asyncpg prepares what it runs, and a prepared statement holds one SQL command.
    for statement in filter(str.strip, script.split(";")):
        op.execute(statement)


def upgrade() -> None:
    _each(TABLES)


def downgrade() -> None:
    _each(DROP)
