"""The names of the full-text search tables (migration ``search_fulltext``).

SQLite keeps each FTS5 table's index in shadow tables named after it
(``documents_search_data``, ``..._idx``, ``..._docsize``, ``..._config``);
PostgreSQL has plain tables of ``tsvector`` values under the first two names.
"""

from __future__ import annotations

SEARCH_TABLES = (
    "documents_search", "documents_search_trigram", "statements_search",
    "statements_search_trigram",
)
FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def is_search_table(name: str) -> bool:
    """True for a search table or one of its FTS5 shadow tables."""
    return name in SEARCH_TABLES or any(
        name == table + suffix for table in SEARCH_TABLES for suffix in FTS5_SHADOW_SUFFIXES)


def is_fts5_shadow(name: str) -> bool:
    """True for an FTS5 shadow table: SQLite's storage, not a table to read."""
    return name not in SEARCH_TABLES and is_search_table(name)
