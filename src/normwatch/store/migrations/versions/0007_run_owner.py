"""Runs know which process runs them, so a run killed with kill -9 can be marked interrupted
by the next one (issue 13).

- runs.owner: "host:pid:process start time" of the process running the run.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database created by 0001 after schema.py gained the column already has it
    cols = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("runs")}
    if "owner" not in cols:
        with op.batch_alter_table("runs") as batch:
            batch.add_column(sa.Column("owner", sa.String(255)))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("owner")
