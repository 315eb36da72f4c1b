"""Review state on every fact, accounts, tokens, sessions and the append-only audit trail (issue 14).

- fact tables gain `fact_key` (natural key), `review` (NULL, confirmed, corrected, rejected) and
  `kept` (a reviewed fact put back after re-extraction lost it), with a partial index on the
  reviewed rows and one on (doc_id, fact_key) for applying reviews after re-extraction;
- reviews gain `reason` and `snapshot`;
- new tables users, tokens, sessions, audit; triggers make audit rows impossible to update or
  delete (SQLite and PostgreSQL).

Every step checks first: a store created by 0001 after schema.py gained these already has them.
Existing fact rows get their `fact_key` filled in here, so reviews can address them at once.

Revision ID: 0008
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None

FACT_TABLES = ("actors", "statements", "stances", "instrument_mentions", "subscriptions", "incidents",
               "attributions", "events")


def _tables(md: sa.MetaData) -> list[sa.Table]:
    """The new tables as of this revision (frozen here, not imported from schema.py)."""
    return [
        sa.Table("users", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("name", sa.String(64), nullable=False, unique=True),
                 sa.Column("role", sa.String(16), nullable=False),
                 sa.Column("password_hash", sa.Text),
                 sa.Column("created_at", sa.String(32), nullable=False),
                 sa.Column("disabled", sa.Boolean, nullable=False, default=False)),
        sa.Table("tokens", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("public_id", sa.String(16), nullable=False, unique=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
                 sa.Column("name", sa.String(128)),
                 sa.Column("hash", sa.String(64), nullable=False),
                 sa.Column("scopes", sa.String(64), nullable=False),
                 sa.Column("created_at", sa.String(32), nullable=False),
                 sa.Column("expires_at", sa.String(32), nullable=False),
                 sa.Column("revoked_at", sa.String(32))),
        sa.Table("sessions", md,
                 sa.Column("id_hash", sa.String(64), primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
                 sa.Column("csrf", sa.String(64), nullable=False),
                 sa.Column("created_at", sa.String(32), nullable=False),
                 sa.Column("expires_at", sa.String(32), nullable=False)),
        sa.Table("audit", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("at", sa.String(32), nullable=False),
                 sa.Column("user", sa.String(64), nullable=False),
                 sa.Column("action", sa.String(32), nullable=False),
                 sa.Column("doc_id", sa.String(64)),
                 sa.Column("fact_kind", sa.String(32)),
                 sa.Column("fact_key", sa.Text),
                 sa.Column("before", sa.Text),
                 sa.Column("after", sa.Text),
                 sa.Column("reason", sa.Text),
                 sa.Index("ix_audit_fact", "doc_id", "fact_kind", "fact_key"),
                 sa.Index("ix_audit_user", "user", "at"),
                 sa.Index("ix_audit_at", "at")),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    insp = sa.inspect(bind)
    for t in FACT_TABLES:
        have = {c["name"] for c in insp.get_columns(t)}
        for name, type_ in (("fact_key", sa.Text()), ("review", sa.String(16)), ("kept", sa.Boolean())):
            if name not in have:
                op.add_column(t, sa.Column(name, type_))
        op.create_index(f"ix_{t}_reviewed", t, ["review", "id"], if_not_exists=True,
                        sqlite_where=sa.text("review IS NOT NULL"), postgresql_where=sa.text("review IS NOT NULL"))
        op.create_index(f"ix_{t}_doc_key", t, ["doc_id", "fact_key"], if_not_exists=True)
    have = {c["name"] for c in insp.get_columns("reviews")}
    for name in ("reason", "snapshot"):
        if name not in have:
            op.add_column("reviews", sa.Column(name, sa.Text()))
    md = sa.MetaData()
    for table in _tables(md):
        table.create(bind, checkfirst=True)
    _append_only_triggers(bind)
    _fill_keys(bind)


def _append_only_triggers(bind) -> None:
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS audit_no_{verb.lower()} BEFORE {verb} ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION normwatch_audit_append_only() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$ LANGUAGE plpgsql")
        op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit")
        op.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION normwatch_audit_append_only()")


def _fill_keys(bind) -> None:
    # the key rules live with the code that applies reviews; rows stored before this revision get theirs now
    from normwatch.store import reviews

    reviews.fill_missing_keys(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit")
        op.execute("DROP FUNCTION IF EXISTS normwatch_audit_append_only()")
    for name in ("audit", "sessions", "tokens", "users"):
        op.drop_table(name, if_exists=True)
    for t in FACT_TABLES:
        op.drop_index(f"ix_{t}_reviewed", table_name=t, if_exists=True)
        op.drop_index(f"ix_{t}_doc_key", table_name=t, if_exists=True)
        with op.batch_alter_table(t) as b:
            for name in ("fact_key", "review", "kept"):
                b.drop_column(name)
    with op.batch_alter_table("reviews") as b:
        b.drop_column("reason")
        b.drop_column("snapshot")
