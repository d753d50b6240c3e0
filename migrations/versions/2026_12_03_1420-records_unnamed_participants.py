"""records: unnamed and group participants are no persons; statements' verb lemma

``participants.person_id`` becomes nullable (NULL for an unnamed office holder,
"the Foreign Secretary", and for a group counterpart, "the Chinese delegation"),
``participants.group`` marks a group; ``statements.verb_lemma`` holds the
normalised lemma of the reporting verb (``emphasise``, ``express satisfaction``).

Revision ID: records_unnamed_participants
Revises: scrapyd_nodes_and_leases
Create Date: 2026-12-03 14:20:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "records_unnamed_participants"
down_revision: Union[str, Sequence[str], None] = "scrapyd_nodes_and_leases"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# the view of analysis_views, with unnamed and group participants kept (their person columns NULL);
# the SQL is written out here so the revision stays frozen
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
LEFT JOIN persons pe ON pe.id = p.person_id
JOIN documents d ON d.id = m.document_id
JOIN sources s ON s.id = d.source_id
"""

OLD_MEETING_PARTICIPANTS = MEETING_PARTICIPANTS.replace("LEFT JOIN persons", "JOIN persons")


def upgrade() -> None:
    op.execute("DROP VIEW meeting_participants")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("group", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verb_lemma", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_statements_verb_lemma"), ["verb_lemma"], unique=False)
    op.execute(MEETING_PARTICIPANTS)


def downgrade() -> None:
    op.execute("DROP VIEW meeting_participants")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_verb_lemma"))
        batch_op.drop_column("verb_lemma")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("group")
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    op.execute(OLD_MEETING_PARTICIPANTS)
