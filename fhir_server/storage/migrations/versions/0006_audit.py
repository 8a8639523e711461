"""The audit trail: one row per AuditEvent, append-only, hash-chained by the sealer.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"

# Each event is one row: the columns regulators search by, and the AuditEvent as served
# (`body`). `xid` is the writing transaction, so the sealer chains only rows whose
# transaction has ended; `chain_pos` and `hash` are set once, by the sealer (audit/chain.py).
STATEMENTS = [
    """CREATE TABLE audit_event (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
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
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        chain_pos bigint UNIQUE,
        hash bytea)""",
    "CREATE INDEX audit_event_recorded ON audit_event (recorded)",
    "CREATE INDEX audit_event_patient ON audit_event (patient, recorded) WHERE patient IS NOT NULL",
    "CREATE INDEX audit_event_agent ON audit_event (agent, recorded)",
    "CREATE INDEX audit_event_org ON audit_event (organization, recorded)",
    "CREATE INDEX audit_event_unsealed ON audit_event (seq) WHERE chain_pos IS NULL",
    # The head of the chain: the last sealed position and its hash.
    """CREATE TABLE audit_chain (id int PRIMARY KEY CHECK (id = 1), pos bigint NOT NULL,
        hash bytea NOT NULL)""",
    # Rows are never changed or removed, except that the sealer fills chain_pos and hash once.
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.chain_pos IS NULL AND OLD.hash IS NULL
           AND NEW.chain_pos IS NOT NULL AND NEW.hash IS NOT NULL
           AND (NEW.seq, NEW.id, NEW.recorded, NEW.action, NEW.subtype, NEW.outcome,
                NEW.patient, NEW.agent, NEW.client, NEW.organization, NEW.entity_type,
                NEW.body, NEW.xid)
               IS NOT DISTINCT FROM
               (OLD.seq, OLD.id, OLD.recorded, OLD.action, OLD.subtype, OLD.outcome,
                OLD.patient, OLD.agent, OLD.client, OLD.organization, OLD.entity_type,
                OLD.body, OLD.xid) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]

DROP = [
    "DROP TABLE IF EXISTS audit_chain",
    "DROP TABLE IF EXISTS audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP:
        op.execute(statement)
