"""search: indexes of each configuration's rows of the search tables (PostgreSQL)

``documents_search`` and ``statements_search`` hold English rows with the
``english`` configuration and every other row with ``simple``; English rows
hold their unstemmed (``simple``) words as well, for prefixes. A search
(db/search.py) reads the newest matches of each configuration apart, window of
ids by window; with only the primary key and the one GIN index over every row,
PostgreSQL read in each part the rows of the other configuration as well (by
id, or every English row with the words of a ``simple`` query) only to drop
them. Per table:

- ``ix_<table>_english`` and ``ix_<table>_other``: the ids of the English
  rows, and of the others (partial btree indexes): the rows of one
  configuration newest first, or in a range of ids;
- ``ix_<table>_vector_english`` and ``ix_<table>_vector_other``: GIN indexes
  of ``CASE WHEN config = 'english' THEN vector END`` (and ``<>``): the
  vectors of the English rows, and of the others, instead of the one GIN index
  over every row (``ix_<table>_vector``), whose ``simple`` words of the other
  rows were mixed with the English rows' unstemmed ones. Being indexes of an
  expression, they also give PostgreSQL statistics of each configuration's
  words apart (ANALYZE gathers them), so that it can tell how many rows of
  each configuration a query matches.

SQLite (FTS5) is unchanged. The SQL is written out here, not imported, so the
revision stays frozen.

Revision ID: search_vector_other
Revises: scale_indexes
Create Date: 2026-12-06 19:01:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "search_vector_other"
down_revision: str | Sequence[str] | None = "scale_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("documents_search", "document_id"), ("statements_search", "statement_id"))


CONFIGS = (("english", "="), ("other", "<>"))


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, key in TABLES:
        for name, op_ in CONFIGS:
            op.execute(f"CREATE INDEX ix_{table}_{name} ON {table} ({key}) "
                       f"WHERE config {op_} 'english'::regconfig")
            op.execute(f"CREATE INDEX ix_{table}_vector_{name} ON {table} USING gin "
                       f"((CASE WHEN config {op_} 'english'::regconfig THEN vector END))")
        op.execute(f"DROP INDEX ix_{table}_vector")
        op.execute(f"ANALYZE {table}")  # the statistics of the indexes' expressions


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, _ in TABLES:
        op.execute(f"CREATE INDEX ix_{table}_vector ON {table} USING gin (vector)")
        for name, _ in CONFIGS:
            op.execute(f"DROP INDEX ix_{table}_vector_{name}")
            op.execute(f"DROP INDEX ix_{table}_{name}")
