"""Index for stance lists filtered by target and polarity, found with EXPLAIN QUERY PLAN on a
100,000-document store.

- stances (target, polarity, doc_id): "who supports X" lists read the ids, the polarity and the
  document to join from this index alone; with (target) or (target, doc_id) SQLite read every
  stance row of the target to test its polarity.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_stances_target_polarity_doc", "stances", ["target", "polarity", "doc_id"]),
)


def upgrade() -> None:
    # if_not_exists: a database created by 0001 after schema.py gained it already has it
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols, if_not_exists=True)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table, if_exists=True)
