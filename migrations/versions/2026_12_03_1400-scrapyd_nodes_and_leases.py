"""scrapyd nodes and leases: the node and Scrapyd job of a run; re-extraction claims

``crawl_runs.node``/``scrapyd_job`` name the Scrapyd node (its ``node_name``) and
the job id of a run dispatched there; ``reextract_queue`` holds the documents
that re-extraction workers still have to rebuild, each claimed under a lease.

Revision ID: scrapyd_nodes_and_leases
Revises: exports_warc_files
Create Date: 2026-12-03 13:30:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "scrapyd_nodes_and_leases"
down_revision: Union[str, Sequence[str], None] = "exports_warc_files"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("node", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("scrapyd_job", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_crawl_runs_scrapyd_job", ["scrapyd_job"], unique=False)
    op.create_table(
        "reextract_queue",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("reextract_queue")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_crawl_runs_scrapyd_job")
        batch_op.drop_column("scrapyd_job")
        batch_op.drop_column("node")
