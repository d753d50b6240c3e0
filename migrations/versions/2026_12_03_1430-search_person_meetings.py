"""person_meetings view: who met whom how often, by year; a speaker's participation index

One row per year and unordered pair of persons who took part in the same
meetings (``person_a_id`` < ``person_b_id``), with the number of meetings and
the first and last of their dates; meetings of unknown date count under a
NULL year. The same SQL runs on SQLite and PostgreSQL; it is written out
here, not imported, so the revision stays frozen. The index on
``participants (meeting_id, person_id)`` finds a statement's speaker among its
meeting's participants (the speaker's country: ``search --in statements
--country``, ``statement_facts``).

Revision ID: search_person_meetings
Revises: search_fulltext
Create Date: 2026-12-03 14:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "search_person_meetings"
down_revision: str | Sequence[str] | None = "search_fulltext"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_MEETINGS = """
CREATE VIEW person_meetings AS
SELECT
    pairs.year AS year,
    pairs.person_a_id AS person_a_id,
    pairs.person_a AS person_a,
    pairs.person_b_id AS person_b_id,
    pairs.person_b AS person_b,
    COUNT(DISTINCT pairs.meeting_id) AS meetings,
    MIN(pairs.date) AS first_date,
    MAX(pairs.date) AS last_date
FROM (
    SELECT
        CAST(substr(CAST(m.date AS TEXT), 1, 4) AS INTEGER) AS year,
        m.id AS meeting_id,
        m.date AS date,
        a.person_id AS person_a_id,
        pa.name AS person_a,
        b.person_id AS person_b_id,
        pb.name AS person_b
    FROM meetings m
    JOIN participants a ON a.meeting_id = m.id
    JOIN participants b ON b.meeting_id = m.id AND b.person_id > a.person_id
    JOIN persons pa ON pa.id = a.person_id
    JOIN persons pb ON pb.id = b.person_id
) pairs
GROUP BY pairs.year, pairs.person_a_id, pairs.person_a, pairs.person_b_id, pairs.person_b
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_participants_meeting_person", "participants",
                    ["meeting_id", "person_id"])
    op.execute(PERSON_MEETINGS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP VIEW person_meetings")
    op.drop_index("ix_participants_meeting_person", table_name="participants")
