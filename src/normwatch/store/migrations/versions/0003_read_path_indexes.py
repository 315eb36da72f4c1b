"""Indexes for the web API's read paths, found with EXPLAIN QUERY PLAN on a 100,000-document store.

- documents (published, id): the default document list pages by (published, id) in either
  direction; with `published` alone SQLite sorted every row of a date in a temporary B-tree.
- documents (id, published): fact lists sorted or filtered by document date read the date from
  this index alone, never the document row (whose text spans several pages).
- actors (actor, name) and (actor, role): the name or role shown for an actor is `max(name)`,
  which becomes one index seek instead of a walk over every row naming a common actor.
- stances (target, doc_id): stances of a target sorted by document date join each row to its
  document from this index alone (half the time of reading every stance row).
- stances (affiliation, target): "what a state's people said on a target", answered like
  (actor, target) answers it for one speaker.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_documents_published_id", "documents", ["published", "id"]),
    ("ix_documents_id_published", "documents", ["id", "published"]),
    ("ix_actors_actor_name", "actors", ["actor", "name"]),
    ("ix_actors_actor_role", "actors", ["actor", "role"]),
    ("ix_stances_affiliation_target", "stances", ["affiliation", "target"]),
    ("ix_stances_target_doc", "stances", ["target", "doc_id"]),
)


def upgrade() -> None:
    # if_not_exists: a database created by 0001 after schema.py gained these already has them
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols, if_not_exists=True)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table, if_exists=True)
