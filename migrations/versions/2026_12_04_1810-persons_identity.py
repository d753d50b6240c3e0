"""persons_identity: one person across name variants; offices and their holders

``person_keys`` maps every folded name (``db.names.name_key``) to its person, so
that variants folded by the identity rule (``db.identity_rule``) share one
``persons`` row. ``participants`` gains the name as written (``name``), the folded
office of its title (``office``) and, for an unnamed office holder linked to the
person who held that office, ``resolved_by = 'office'`` and the evidence document.
Views: ``person_variants``, ``person_countries``, ``person_titles`` (each with first
and last dates) and ``office_holders``.

The upgrade fills ``participants.name`` from ``persons.name`` (before this
revision each folded name had its own person, so nothing is lost) and
``person_keys`` one key per person; ``mfa-archive refold`` then applies the rule,
fills ``participants.office`` and links office holders. The SQL is written out
here so the revision stays frozen.

Revision ID: persons_identity
Revises: encounters
Create Date: 2026-12-04 18:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "persons_identity"
down_revision: str | Sequence[str] | None = "encounters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A participant's or a statement's day: its meeting's date, else its release's.
PERSON_VARIANTS = """
CREATE VIEW person_variants AS
SELECT
    u.person_id AS person_id,
    pe.name AS person,
    u.variant AS variant,
    MIN(u.day) AS first_seen,
    MAX(u.day) AS last_seen,
    COUNT(*) AS mentions
FROM (
    SELECT pa.person_id AS person_id, pa.name AS variant, COALESCE(m.date, d.published) AS day
    FROM participants pa
    JOIN meetings m ON m.id = pa.meeting_id
    JOIN documents d ON d.id = m.document_id
    WHERE pa.person_id IS NOT NULL AND pa.name IS NOT NULL
    UNION ALL
    SELECT s.speaker_id AS person_id, s.speaker AS variant, COALESCE(m.date, d.published) AS day
    FROM statements s
    JOIN documents d ON d.id = s.document_id
    LEFT JOIN meetings m ON m.id = s.meeting_id
    WHERE s.speaker_id IS NOT NULL AND s.speaker IS NOT NULL
) u
JOIN persons pe ON pe.id = u.person_id
GROUP BY u.person_id, pe.name, u.variant
"""

PERSON_COUNTRIES = """
CREATE VIEW person_countries AS
SELECT
    pa.person_id AS person_id,
    pe.name AS person,
    pa.country AS country,
    MIN(COALESCE(m.date, d.published)) AS first_seen,
    MAX(COALESCE(m.date, d.published)) AS last_seen,
    COUNT(DISTINCT pa.meeting_id) AS meetings
FROM participants pa
JOIN persons pe ON pe.id = pa.person_id
JOIN meetings m ON m.id = pa.meeting_id
JOIN documents d ON d.id = m.document_id
WHERE pa.country IS NOT NULL
GROUP BY pa.person_id, pe.name, pa.country
"""

PERSON_TITLES = """
CREATE VIEW person_titles AS
SELECT
    pa.person_id AS person_id,
    pe.name AS person,
    pa.title AS title,
    pa.office AS office,
    MIN(COALESCE(m.date, d.published)) AS first_seen,
    MAX(COALESCE(m.date, d.published)) AS last_seen,
    COUNT(DISTINCT pa.meeting_id) AS meetings
FROM participants pa
JOIN persons pe ON pe.id = pa.person_id
JOIN meetings m ON m.id = pa.meeting_id
JOIN documents d ON d.id = m.document_id
WHERE pa.title IS NOT NULL AND pa.resolved_by IS NULL
GROUP BY pa.person_id, pe.name, pa.title, pa.office
"""

OFFICE_HOLDERS = """
CREATE VIEW office_holders AS
SELECT
    pa.country AS country,
    pa.office AS office,
    pa.person_id AS person_id,
    pe.name AS person,
    MIN(COALESCE(m.date, d.published)) AS first_seen,
    MAX(COALESCE(m.date, d.published)) AS last_seen,
    COUNT(DISTINCT d.id) AS documents,
    SUM(CASE WHEN pa.resolved_by = 'office' THEN 1 ELSE 0 END) AS resolved
FROM participants pa
JOIN persons pe ON pe.id = pa.person_id
JOIN meetings m ON m.id = pa.meeting_id
JOIN documents d ON d.id = m.document_id
WHERE pa.country IS NOT NULL AND pa.office IS NOT NULL
GROUP BY pa.country, pa.office, pa.person_id, pe.name
"""

VIEWS = ("person_variants", "person_countries", "person_titles", "office_holders")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "person_keys",
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("first_word", sa.String(length=300), nullable=False),
        sa.Column("last_word", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_person_keys_person_id_persons"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("name_key", name=op.f("pk_person_keys")),
    )
    with op.batch_alter_table("person_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_keys_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_keys_first_word"), ["first_word"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_keys_last_word"), ["last_word"], unique=False)
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("office", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("evidence_document_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_participants_evidence_document_id_documents"), "documents",
            ["evidence_document_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_participants_office_holders", ["office", "country", "name"],
                                unique=False)
        batch_op.create_index(batch_op.f("ix_participants_evidence_document_id"),
                              ["evidence_document_id"], unique=False)
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE participants SET name = (SELECT pe.name FROM persons pe "
        "WHERE pe.id = participants.person_id) WHERE person_id IS NOT NULL"))
    keys = [{"name_key": key, "person_id": pid, "name": name,
             "first_word": key.split()[0] if key.split() else key,
             "last_word": key.split()[-1] if key.split() else key}
            for pid, name, key in conn.execute(sa.text("SELECT id, name, name_key FROM persons"))]
    if keys:
        conn.execute(sa.text(
            "INSERT INTO person_keys (name_key, person_id, name, first_word, last_word) "
            "VALUES (:name_key, :person_id, :name, :first_word, :last_word)"), keys)
    for view in (PERSON_VARIANTS, PERSON_COUNTRIES, PERSON_TITLES, OFFICE_HOLDERS):
        op.execute(view)


def downgrade() -> None:
    """Downgrade schema."""
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW {view}")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_evidence_document_id"))
        batch_op.drop_index("ix_participants_office_holders")
        batch_op.drop_constraint(
            batch_op.f("fk_participants_evidence_document_id_documents"), type_="foreignkey")
        batch_op.drop_column("evidence_document_id")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("office")
        batch_op.drop_column("name")
    with op.batch_alter_table("person_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_keys_last_word"))
        batch_op.drop_index(batch_op.f("ix_person_keys_first_word"))
        batch_op.drop_index(batch_op.f("ix_person_keys_person_id"))
    op.drop_table("person_keys")
