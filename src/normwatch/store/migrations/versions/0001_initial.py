"""Initial schema: documents, spans, the facts of the extraction contract, rejections, runs, reviews.

Revision ID: 0001
Revises:
"""
from alembic import op

from normwatch.store import adapters
from normwatch.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The first revision creates the schema as first released. From 0002 on, every change
    # to schema.py comes with explicit op.* calls in a new revision; when that first happens,
    # the table definitions used here get frozen into this file.
    bind = op.get_bind()
    metadata.create_all(bind=bind)
    adapters.for_dialect(bind.dialect.name).create_search_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    adapters.for_dialect(bind.dialect.name).drop_search_index(bind)
    metadata.drop_all(bind=bind)
