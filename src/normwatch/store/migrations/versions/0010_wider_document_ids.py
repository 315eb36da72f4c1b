"""Document ids up to 512 characters: JSONL inputs bring their own ids, longer than a content hash.

- documents.id, documents.near_duplicate_of and every column naming a document: VARCHAR(64) ->
  VARCHAR(512) (`schema.DOC_ID_CHARS`). PostgreSQL refused longer ids; widening a varchar is a
  catalogue change there, no table rewrite. SQLite does not enforce VARCHAR lengths, so nothing
  is done on it (rebuilding every table for a declared length would change nothing stored).

Revision ID: 0010
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, column) naming a document; tables a store may not have yet are skipped
COLUMNS = [("documents", "id"), ("documents", "near_duplicate_of"), ("minhash_bands", "doc_id"),
           ("spans", "doc_id"), ("actors", "doc_id"), ("statements", "doc_id"), ("stances", "doc_id"),
           ("instrument_mentions", "doc_id"), ("subscriptions", "doc_id"), ("incidents", "doc_id"),
           ("attributions", "doc_id"), ("events", "doc_id"), ("claims", "doc_id"), ("rejections", "doc_id"),
           ("reviews", "doc_id"), ("audit", "doc_id"), ("document_layout", "doc_id"), ("watch_items", "doc_id")]


def _alter(chars: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    insp = sa.inspect(bind)
    tables = set(insp.get_table_names())
    for table, column in COLUMNS:
        if table in tables and column in {c["name"] for c in insp.get_columns(table)}:
            op.alter_column(table, column, type_=sa.String(chars))


def upgrade() -> None:
    _alter(512)


def downgrade() -> None:
    _alter(64)  # fails, as it should, while a longer id is stored
