"""warc files: the WARC files each crawl run wrote (``-s ARCHIVE_WARC_DIR``)

Revision ID: exports_warc_files
Revises: c3d8e5f1a7b2
Create Date: 2026-12-03 13:30:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "exports_warc_files"
down_revision: Union[str, Sequence[str], None] = "c3d8e5f1a7b2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "warc_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"],
                                name=op.f("fk_warc_files_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warc_files")),
    )
    with op.batch_alter_table("warc_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warc_files_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("warc_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warc_files_run_id"))
    op.drop_table("warc_files")
