"""scale indexes: meeting_country_pairs behind meeting_dyads, an index on statements.speaker

What the analysts' queries need on an archive of a million releases
(benchmarks/scale.py):

- ``meeting_country_pairs``: a summary table, one row per meeting and
  unordered pair of distinct participant countries (``country_a`` <
  ``country_b``), indexed by both countries. Triggers on ``participants`` keep
  it in step inside the transaction that writes them (a participant added,
  removed, moved or given another country), and the upgrade fills it from the
  rows already stored. The view ``meeting_dyads`` reads it instead of joining
  ``participants`` with itself, with the same columns and rows: a query by
  country no longer reads every meeting.
- ``ix_statements_speaker``: the speaker's name as written. The canned query
  ``statements_by_person`` (db/queries.py) first finds the matching names in
  it (a narrow index, not the statements), then their statements. On
  PostgreSQL a ``pg_trgm`` GIN index on the same column serves
  ``speaker LIKE '%...%'`` itself.

The SQL is written out here, not imported, so the revision stays frozen.
Note for later SQLite migrations: a batch operation that rebuilds
``participants`` drops its triggers; such a migration must create them again.

Revision ID: scale_indexes
Revises: persons_identity
Create Date: 2026-12-04 18:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "scale_indexes"
down_revision: str | Sequence[str] | None = "persons_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO meeting_country_pairs (meeting_id, country_a, country_b)
SELECT DISTINCT a.meeting_id, a.country, b.country
FROM participants a
JOIN participants b ON b.meeting_id = a.meeting_id AND b.country > a.country
WHERE a.country IS NOT NULL
"""

NEW_DYADS = """
CREATE VIEW meeting_dyads AS
SELECT
    m.id AS meeting_id,
    m.date AS date,
    pr.country_a AS country_a,
    pr.country_b AS country_b,
    m.kind AS meeting_kind,
    s.key AS source,
    d.url AS url,
    d.id AS document_id
FROM meeting_country_pairs pr
JOIN meetings m ON m.id = pr.meeting_id
JOIN documents d ON d.id = m.document_id
JOIN sources s ON s.id = d.source_id
"""

OLD_DYADS = """
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


def _add(row: str, lo: str, hi: str) -> str:
    """Add the pairs ``row`` (a participant, new) makes with its meeting's other countries."""
    return f"""
    INSERT INTO meeting_country_pairs (meeting_id, country_a, country_b)
    SELECT DISTINCT {row}.meeting_id, {lo}({row}.country, p.country), {hi}({row}.country, p.country)
    FROM participants p
    WHERE {row}.country IS NOT NULL AND p.meeting_id = {row}.meeting_id
      AND p.country IS NOT NULL AND p.country <> {row}.country"""


def _drop(row: str) -> str:
    """Remove the pairs of ``row``'s (a participant, old) meeting and country that no
    remaining participant pair supports."""
    return f"""
    DELETE FROM meeting_country_pairs
    WHERE meeting_id = {row}.meeting_id
      AND (country_a = {row}.country OR country_b = {row}.country)
      AND NOT EXISTS (
          SELECT 1 FROM participants a JOIN participants b ON b.meeting_id = a.meeting_id
          WHERE a.meeting_id = meeting_country_pairs.meeting_id
            AND a.country = meeting_country_pairs.country_a
            AND b.country = meeting_country_pairs.country_b)"""


SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER participants_pairs_insert AFTER INSERT ON participants BEGIN
    {_add("new", "min", "max")}
    ON CONFLICT DO NOTHING;
END""",
    f"""
CREATE TRIGGER participants_pairs_delete AFTER DELETE ON participants BEGIN
    {_drop("old")};
END""",
    f"""
CREATE TRIGGER participants_pairs_update AFTER UPDATE OF meeting_id, country ON participants
BEGIN
    {_drop("old")};
    {_add("new", "min", "max")}
    ON CONFLICT DO NOTHING;
END""",
]
SQLITE_DROP = [f"DROP TRIGGER participants_pairs_{op_}" for op_ in ("update", "delete", "insert")]

POSTGRES_TRIGGERS = [
    f"""
CREATE FUNCTION participants_pairs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_drop("OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_add("NEW", "LEAST", "GREATEST")}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$""",
    ("CREATE TRIGGER participants_pairs_insert AFTER INSERT ON participants "
     "FOR EACH ROW EXECUTE FUNCTION participants_pairs_sync()"),
    ("CREATE TRIGGER participants_pairs_delete AFTER DELETE ON participants "
     "FOR EACH ROW EXECUTE FUNCTION participants_pairs_sync()"),
    ("CREATE TRIGGER participants_pairs_update AFTER UPDATE OF meeting_id, country "
     "ON participants FOR EACH ROW EXECUTE FUNCTION participants_pairs_sync()"),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER participants_pairs_{op_} ON participants"
      for op_ in ("update", "delete", "insert")),
    "DROP FUNCTION participants_pairs_sync()",
]


def upgrade() -> None:
    """Upgrade schema."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "meeting_country_pairs",
        sa.Column("meeting_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("country_a", sa.String(length=2), nullable=False),
        sa.Column("country_b", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "country_a", "country_b",
                                name=op.f("pk_meeting_country_pairs")),
    )
    op.execute(FILL)
    op.create_index("ix_meeting_country_pairs_a", "meeting_country_pairs",
                    ["country_a", "country_b"])
    op.create_index("ix_meeting_country_pairs_b", "meeting_country_pairs",
                    ["country_b", "country_a"])
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("DROP VIEW meeting_dyads")
    op.execute(NEW_DYADS)
    op.create_index(op.f("ix_statements_speaker"), "statements", ["speaker"])
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_statements_speaker_trigram ON statements "
                   "USING gin (speaker gin_trgm_ops)")


def downgrade() -> None:
    """Downgrade schema."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX ix_statements_speaker_trigram")
    op.drop_index(op.f("ix_statements_speaker"), table_name="statements")
    op.execute("DROP VIEW meeting_dyads")
    op.execute(OLD_DYADS)
    for statement in POSTGRES_DROP if postgres else SQLITE_DROP:
        op.execute(statement)
    op.drop_index("ix_meeting_country_pairs_b", table_name="meeting_country_pairs")
    op.drop_index("ix_meeting_country_pairs_a", table_name="meeting_country_pairs")
    op.drop_table("meeting_country_pairs")
