"""encounters: one encounter reported by meetings of several sources

``encounters`` (one row per encounter: its stable key, date, kind, how many
reports, the best pair score, the rule's version) and ``encounter_meetings``
(the meetings that report it; a meeting reports at most one encounter). They
are derived data, built by db/encounters.py after each crawl run and
re-extraction; ``encounter_runs`` names the runs whose releases have been
linked (existing runs are not: the next run of each source links the archive it
already holds). ``crawl_runs`` itself is not changed, so code that writes runs
keeps working on older revisions.

Revision ID: encounters
Revises: search_person_meetings
Create Date: 2026-12-04 18:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "encounters"
down_revision: str | Sequence[str] | None = "search_person_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rule_version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
        sa.UniqueConstraint("key", name=op.f("uq_encounters_key")),
    )
    op.create_index(op.f("ix_encounters_date"), "encounters", ["date"], unique=False)
    op.create_table(
        "encounter_meetings",
        sa.Column("meeting_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["encounter_id"], ["encounters.id"],
                                name=op.f("fk_encounter_meetings_encounter_id_encounters"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_encounter_meetings_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_encounter_meetings")),
    )
    op.create_index(op.f("ix_encounter_meetings_encounter_id"), "encounter_meetings",
                    ["encounter_id"], unique=False)
    op.create_table(
        "encounter_runs",
        sa.Column("run_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"],
                                name=op.f("fk_encounter_runs_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_encounter_runs")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("encounter_runs")
    op.drop_index(op.f("ix_encounter_meetings_encounter_id"), table_name="encounter_meetings")
    op.drop_table("encounter_meetings")
    op.drop_index(op.f("ix_encounters_date"), table_name="encounters")
    op.drop_table("encounters")
