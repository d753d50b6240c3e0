"""analysis views: meeting_participants, meeting_dyads, statement_facts

Views for analysts, with the same names and columns on SQLite and PostgreSQL
(documented in docs/schema.md), plus the index a participant-view query by
person needs (``participants.country`` is indexed since the initial schema).
The SQL is written out here, not imported, so the revision stays frozen.

Revision ID: b7e4c1a9d2f3
Revises: 6abb3747e0e0
Create Date: 2026-11-27 03:45:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b7e4c1a9d2f3"
down_revision: str | Sequence[str] | None = "6abb3747e0e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEETING_PARTICIPANTS = """
CREATE VIEW meeting_participants AS
SELECT
    p.id AS participant_id,
    m.id AS meeting_id,
    m.date AS date,
    p.ordinal AS ordinal,
    p.person_id AS person_id,
    pe.name AS person,
    pe.name_key AS person_key,
    p.title AS title,
    p.country AS country,
    p.organisation AS organisation,
    p.role AS role,
    m.kind AS meeting_kind,
    m.location AS location,
    s.key AS source,
    d.url AS url,
    d.id AS document_id
FROM participants p
JOIN meetings m ON m.id = p.meeting_id
JOIN persons pe ON pe.id = p.person_id
JOIN documents d ON d.id = m.document_id
JOIN sources s ON s.id = d.source_id
"""

# One row per unordered pair of distinct participant countries of a meeting:
# country_a < country_b, so AZ-BY and BY-AZ are the same dyad.
MEETING_DYADS = """
CREATE VIEW meeting_dyads AS
SELECT DISTINCT
    m.id AS meeting_id,
    m.date AS date,
    a.country AS country_a,
    b.country AS country_b,
    m.kind AS meeting_kind,
    s.key AS source,
    d.url AS url,
    d.id AS document_id
FROM meetings m
JOIN participants a ON a.meeting_id = m.id AND a.country IS NOT NULL
JOIN participants b ON b.meeting_id = m.id AND b.country > a.country
JOIN documents d ON d.id = m.document_id
JOIN sources s ON s.id = d.source_id
"""

STATEMENT_FACTS = """
CREATE VIEW statement_facts AS
SELECT
    st.id AS statement_id,
    st.document_id AS document_id,
    st.ordinal AS ordinal,
    st.meeting_id AS meeting_id,
    COALESCE(m.date, d.published) AS date,
    m.kind AS meeting_kind,
    st.speaker_id AS speaker_id,
    st.speaker AS speaker,
    (SELECT p.country FROM participants p
     WHERE p.meeting_id = st.meeting_id AND p.person_id = st.speaker_id
     ORDER BY p.ordinal LIMIT 1) AS speaker_country,
    st.verb AS verb,
    st.text AS text,
    s.key AS source,
    d.url AS url
FROM statements st
JOIN documents d ON d.id = st.document_id
JOIN sources s ON s.id = d.source_id
LEFT JOIN meetings m ON m.id = st.meeting_id
"""


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index("ix_persons_name", ["name"], unique=False)
    op.execute(MEETING_PARTICIPANTS)
    op.execute(MEETING_DYADS)
    op.execute(STATEMENT_FACTS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP VIEW statement_facts")
    op.execute("DROP VIEW meeting_dyads")
    op.execute("DROP VIEW meeting_participants")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_name")
