"""Attribution claims as first-class facts (issue 11): the claims table and incidents.title.

- claims: every accusation or denial of a document, with its accused state and threat actor,
  claimant, certainty, channel, how the accused is known (`basis`) and the incident it is about
  (nullable: a claim is kept whether or not its incident could be resolved).
- incidents.title: a readable title for new incidents, which had only an id.
- claims are reviewable like the other facts (issue 14's `fact_key`, `review`, `kept` and their
  two indexes), so a reviewer's decision on a claim survives re-extraction.

Written on a branch cut at 0004; it follows main's head (0008) since the merge.

Revision ID: 0005
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_claims_doc", ["doc_id"]),
    ("ix_claims_doc_key", ["doc_id", "fact_key"]),
    ("ix_claims_incident", ["incident"]),
    ("ix_claims_accused", ["accused"]),
    ("ix_claims_claimant", ["claimant"]),
)


def upgrade() -> None:
    bind = op.get_bind()
    insp = sa.inspect(bind)
    # a database created by 0001 after schema.py gained them already has both
    if "claims" not in insp.get_table_names():
        op.create_table(
            "claims",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
            sa.Column("incident", sa.String(128)),
            sa.Column("accused", sa.String(128)),
            sa.Column("actor", sa.String(128)),
            sa.Column("claimant", sa.String(128)),
            sa.Column("certainty", sa.String(16), nullable=False),
            sa.Column("via", sa.String(32), nullable=False),
            sa.Column("basis", sa.String(24), nullable=False, server_default="text"),
            sa.Column("start", sa.Integer, nullable=False),
            sa.Column("end", sa.Integer, nullable=False),
            sa.Column("fact_key", sa.Text),
            sa.Column("review", sa.String(16)),
            sa.Column("kept", sa.Boolean),
        )
    for name, cols in INDEXES:
        op.create_index(name, "claims", cols, if_not_exists=True)
    op.create_index("ix_claims_reviewed", "claims", ["review", "id"], if_not_exists=True,
                    sqlite_where=sa.text("review IS NOT NULL"), postgresql_where=sa.text("review IS NOT NULL"))
    if "title" not in {c["name"] for c in insp.get_columns("incidents")}:
        with op.batch_alter_table("incidents") as batch:
            batch.add_column(sa.Column("title", sa.Text))


def downgrade() -> None:
    op.drop_index("ix_claims_reviewed", table_name="claims", if_exists=True)
    for name, _ in INDEXES:
        op.drop_index(name, table_name="claims", if_exists=True)
    op.drop_table("claims")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("title")
