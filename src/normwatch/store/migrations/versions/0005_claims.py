"""Attribution claims as first-class facts (issue 11): the claims table and incidents.title.

- claims: every accusation or denial of a document, with its accused state and threat actor,
  claimant, certainty, channel, how the accused is known (`basis`) and the incident it is about
  (nullable: a claim is kept whether or not its incident could be resolved).
- incidents.title: a readable title for new incidents, which had only an id.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_claims_doc", ["doc_id"]),
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
        )
    for name, cols in INDEXES:
        op.create_index(name, "claims", cols, if_not_exists=True)
    if "title" not in {c["name"] for c in insp.get_columns("incidents")}:
        with op.batch_alter_table("incidents") as batch:
            batch.add_column(sa.Column("title", sa.Text))


def downgrade() -> None:
    for name, _ in INDEXES:
        op.drop_index(name, table_name="claims", if_exists=True)
    op.drop_table("claims")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("title")
