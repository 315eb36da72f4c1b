"""Issue 15: PDF page maps (document_layout), watched sources and their items, saved alerts.

Revision ID: 0009
Revises: 0004
"""
from alembic import op

from normwatch.store.schema import alerts, document_layout, watch_items, watch_sources

revision = "0009"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (document_layout, watch_sources, watch_items, alerts)


def upgrade() -> None:
    # checkfirst: a database created by 0001 after schema.py gained these tables already has them
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind, checkfirst=True)
