"""The audit trail: one row per AuditEvent, append-only, hash-chained by the sealer.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"

# Each event is one row: the columns regulators search by, and the AuditEvent as served
# (`body`; its id is the sequence number). `xid` is the writing transaction: the sealer
# (audit/chain.py) chains events in (xid, seq) order once their transactions have ended and
# writes each link to `audit_seal`, so an event row is written once and never updated.
STATEMENTS = [
    """CREATE TABLE audit_event (
        seq bigserial PRIMARY KEY,
        recorded timestamptz NOT NULL,
        action text NOT NULL,
        subtype text NOT NULL,
        outcome smallint NOT NULL,
        patient text,
        agent text NOT NULL,
        client text,
        organization text,
        entity_type text,
        body bytea NOT NULL,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id())""",
    "CREATE INDEX audit_event_recorded ON audit_event (recorded)",
    "CREATE INDEX audit_event_patient ON audit_event (patient, recorded) WHERE patient IS NOT NULL",
    "CREATE INDEX audit_event_agent ON audit_event (agent, recorded)",
    "CREATE INDEX audit_event_org ON audit_event (organization, recorded)",
    "CREATE INDEX audit_event_xid ON audit_event (xid, seq)",
    # The chain: position, the event sealed there, its hash.
    """CREATE TABLE audit_seal (pos bigint PRIMARY KEY, seq bigint NOT NULL,
        hash bytea NOT NULL)""",
    # Where the sealer stopped: the last position and hash, and the (xid, seq) sealed last
    # and the transaction horizon it had reached.
    """CREATE TABLE audit_chain (id int PRIMARY KEY CHECK (id = 1), pos bigint NOT NULL,
        hash bytea NOT NULL, last_xid xid8 NOT NULL, last_seq bigint NOT NULL)""",
    # Audit rows and links are never changed or removed.
    """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
    """CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]

DROP = [
    "DROP TABLE IF EXISTS audit_chain",
    "DROP TABLE IF EXISTS audit_seal",
    "DROP TABLE IF EXISTS audit_event",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP:
        op.execute(statement)
