"""resumable runs: run mode and listing watermark, listing facts in the frontier

``crawl_runs.mode``/``listing_complete``/``pid`` let an incremental run stop
paging at releases known before the last complete listing walk, and tell an
abandoned run from a live one; ``frontier.listing_title``/``listing_date`` keep
what the listing said, so a retried or re-fetched release extracts as it did on
its first fetch.

Revision ID: c3d8e5f1a7b2
Revises: b7e4c1a9d2f3
Create Date: 2026-11-27 04:00:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c3d8e5f1a7b2"
down_revision: Union[str, Sequence[str], None] = "b7e4c1a9d2f3"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mode", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("listing_complete", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listing_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("listing_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.drop_column("listing_date")
        batch_op.drop_column("listing_title")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("listing_complete")
        batch_op.drop_column("mode")
