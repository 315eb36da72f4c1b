"""Indexes for the web API's fact lists: stances and statements by affiliation, stances by actor and target.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_stances_affiliation", "stances", ["affiliation"]),
    ("ix_stances_actor_target", "stances", ["actor", "target"]),
    ("ix_statements_affiliation", "statements", ["affiliation"]),
    ("ix_documents_ingested_at", "documents", ["ingested_at"]),
)


def upgrade() -> None:
    # if_not_exists: a database created by 0001 after schema.py gained these already has them
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols, if_not_exists=True)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table, if_exists=True)
