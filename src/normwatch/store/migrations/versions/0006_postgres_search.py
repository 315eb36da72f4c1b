"""PostgreSQL full-text search: the generated `documents.search` tsvector and its GIN index.

A PostgreSQL store created before the PostgreSQL adapter existed searched with LIKE and has
neither; a store created since got both from 0001 (the adapter's create_search_index), so
this is a no-op there (IF NOT EXISTS). Other databases are untouched.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

from normwatch.store import adapters

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        adapters.for_dialect(bind.dialect.name).create_search_index(bind)


def downgrade() -> None:
    # the column stays: 0001's downgrade drops the search index with the schema
    pass
