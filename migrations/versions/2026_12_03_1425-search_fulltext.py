"""full-text search over releases (title, text) and statements (text)

SQLite: FTS5 tables over the rows of ``documents`` and ``statements``
(external content, ``rowid`` = the row's id): ``documents_search`` and
``statements_search`` with the ``unicode61`` tokenizer (diacritics folded),
and ``documents_search_trigram`` / ``statements_search_trigram`` with the
``trigram`` tokenizer, which finds a word inside a longer one in scripts
whose words are not separated by spaces or carry attached particles (Arabic,
Chinese, ...). The trigram table of releases holds only releases whose
language is not written in the Latin script (or is unknown); the statements'
trigram table holds every statement (they are short).

PostgreSQL: ``documents_search`` / ``statements_search`` tables holding a
``tsvector`` per row (the ``english`` configuration for English releases and
their statements, ``simple`` for every other language), with GIN indexes.
English rows also hold their unstemmed words (``simple``), so that a prefix
query (``negotiat*``) matches the words as written, not their stems.

On both, triggers keep the search tables in step with ``documents`` and
``statements`` inside the transaction that writes them, and the upgrade
indexes the rows already stored. The SQL is written out here, not imported,
so the revision stays frozen.

Note for later SQLite migrations: a batch operation that rebuilds
``documents`` or ``statements`` (copy and rename) drops their triggers; such
a migration must create them again.

Revision ID: search_fulltext
Revises: records_unnamed_participants
Create Date: 2026-12-03 13:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "search_fulltext"
down_revision: str | Sequence[str] | None = "records_unnamed_participants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Languages written in the Latin script: their releases are not trigram-indexed
# (unicode61 finds their words). Anything else, NULL included, is.
LATIN = (
    "az", "ca", "cs", "cy", "da", "de", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "hr",
    "hu", "id", "is", "it", "lt", "lv", "ms", "mt", "nb", "nl", "nn", "no", "pl", "pt", "ro",
    "sk", "sl", "sq", "sv", "tk", "tr", "uz", "vi",
)


def _non_latin(row: str) -> str:
    """SQL true when ``row``'s language is not one of LATIN (``row`` is new or old)."""
    codes = ", ".join(f"'{code}'" for code in LATIN)
    return (f"(lower(substr(coalesce({row}.language, ''), 1, 2)) NOT IN ({codes}) "
            f"OR {row}.language IS NULL)")


SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE documents_search USING fts5("
    "title, text, content='documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE documents_search_trigram USING fts5("
    "title, text, content='documents', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE statements_search USING fts5("
    "text, content='statements', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE statements_search_trigram USING fts5("
    "text, content='statements', content_rowid='id', tokenize='trigram')",
    f"""
CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_search (rowid, title, text) VALUES (new.id, new.title, new.text);
    INSERT INTO documents_search_trigram (rowid, title, text)
        SELECT new.id, new.title, new.text WHERE {_non_latin("new")};
END""",
    f"""
CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_search (documents_search, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_search_trigram (documents_search_trigram, rowid, title, text)
        SELECT 'delete', old.id, old.title, old.text WHERE {_non_latin("old")};
END""",
    f"""
CREATE TRIGGER documents_search_update AFTER UPDATE OF title, text, language ON documents
BEGIN
    INSERT INTO documents_search (documents_search, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_search_trigram (documents_search_trigram, rowid, title, text)
        SELECT 'delete', old.id, old.title, old.text WHERE {_non_latin("old")};
    INSERT INTO documents_search (rowid, title, text) VALUES (new.id, new.title, new.text);
    INSERT INTO documents_search_trigram (rowid, title, text)
        SELECT new.id, new.title, new.text WHERE {_non_latin("new")};
END""",
    """
CREATE TRIGGER statements_search_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_search (rowid, text) VALUES (new.id, new.text);
    INSERT INTO statements_search_trigram (rowid, text) VALUES (new.id, new.text);
END""",
    """
CREATE TRIGGER statements_search_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_search (statements_search, rowid, text)
        VALUES ('delete', old.id, old.text);
    INSERT INTO statements_search_trigram (statements_search_trigram, rowid, text)
        VALUES ('delete', old.id, old.text);
END""",
    """
CREATE TRIGGER statements_search_update AFTER UPDATE OF text ON statements BEGIN
    INSERT INTO statements_search (statements_search, rowid, text)
        VALUES ('delete', old.id, old.text);
    INSERT INTO statements_search_trigram (statements_search_trigram, rowid, text)
        VALUES ('delete', old.id, old.text);
    INSERT INTO statements_search (rowid, text) VALUES (new.id, new.text);
    INSERT INTO statements_search_trigram (rowid, text) VALUES (new.id, new.text);
END""",
    # Index what is already stored.
    "INSERT INTO documents_search (documents_search) VALUES ('rebuild')",
    "INSERT INTO documents_search_trigram (rowid, title, text) "
    f"SELECT id, title, text FROM documents AS new WHERE {_non_latin('new')}",
    "INSERT INTO statements_search (statements_search) VALUES ('rebuild')",
    "INSERT INTO statements_search_trigram (statements_search_trigram) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    *(f"DROP TRIGGER {name}" for name in (
        "statements_search_update", "statements_search_delete", "statements_search_insert",
        "documents_search_update", "documents_search_delete", "documents_search_insert")),
    *(f"DROP TABLE {name}" for name in (
        "statements_search_trigram", "statements_search", "documents_search_trigram",
        "documents_search")),
]

POSTGRES_UPGRADE = [
    # english for English (en, en-GB ...), simple (no stemming, no stop words) for the rest.
    """
CREATE FUNCTION search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN lower(split_part(coalesce(language, ''), '-', 1)) = 'en'
                THEN 'english'::regconfig ELSE 'simple'::regconfig END
$$""",
    # The title weighs A, the text B; English rows add their unstemmed words.
    """
CREATE FUNCTION search_vector(cfg regconfig, title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(cfg, coalesce(title, '')), 'A')
           || setweight(to_tsvector(cfg, coalesce(body, '')), 'B')
           || CASE WHEN cfg = 'simple'::regconfig THEN ''::tsvector
                   ELSE setweight(to_tsvector('simple', coalesce(title, '')), 'A')
                        || setweight(to_tsvector('simple', coalesce(body, '')), 'B') END
$$""",
    """
CREATE TABLE documents_search (
    document_id integer PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    config regconfig NOT NULL,
    vector tsvector NOT NULL
)""",
    "CREATE INDEX ix_documents_search_vector ON documents_search USING gin (vector)",
    """
CREATE TABLE statements_search (
    statement_id integer PRIMARY KEY REFERENCES statements (id) ON DELETE CASCADE,
    config regconfig NOT NULL,
    vector tsvector NOT NULL
)""",
    "CREATE INDEX ix_statements_search_vector ON statements_search USING gin (vector)",
    """
CREATE FUNCTION documents_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg regconfig := search_config(NEW.language);
BEGIN
    INSERT INTO documents_search (document_id, config, vector)
    VALUES (NEW.id, cfg, search_vector(cfg, NEW.title, NEW.text))
    ON CONFLICT (document_id) DO UPDATE
        SET config = EXCLUDED.config, vector = EXCLUDED.vector;
    IF TG_OP = 'UPDATE' AND search_config(OLD.language) <> cfg THEN
        UPDATE statements_search AS ss
        SET config = cfg, vector = search_vector(cfg, NULL, st.text)
        FROM statements AS st
        WHERE st.document_id = NEW.id AND ss.statement_id = st.id;
    END IF;
    RETURN NULL;
END
$$""",
    """
CREATE TRIGGER documents_search_sync AFTER INSERT OR UPDATE OF title, text, language
ON documents FOR EACH ROW EXECUTE FUNCTION documents_search_sync()""",
    """
CREATE FUNCTION statements_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg regconfig := search_config(
        (SELECT d.language FROM documents AS d WHERE d.id = NEW.document_id));
BEGIN
    INSERT INTO statements_search (statement_id, config, vector)
    VALUES (NEW.id, cfg, search_vector(cfg, NULL, NEW.text))
    ON CONFLICT (statement_id) DO UPDATE
        SET config = EXCLUDED.config, vector = EXCLUDED.vector;
    RETURN NULL;
END
$$""",
    """
CREATE TRIGGER statements_search_sync AFTER INSERT OR UPDATE OF text
ON statements FOR EACH ROW EXECUTE FUNCTION statements_search_sync()""",
    # Index what is already stored.
    """
INSERT INTO documents_search (document_id, config, vector)
SELECT id, search_config(language), search_vector(search_config(language), title, text)
FROM documents""",
    """
INSERT INTO statements_search (statement_id, config, vector)
SELECT st.id, search_config(d.language), search_vector(search_config(d.language), NULL, st.text)
FROM statements AS st JOIN documents AS d ON d.id = st.document_id""",
]

POSTGRES_DOWNGRADE = [
    "DROP TRIGGER statements_search_sync ON statements",
    "DROP TRIGGER documents_search_sync ON documents",
    "DROP FUNCTION statements_search_sync()",
    "DROP FUNCTION documents_search_sync()",
    "DROP TABLE statements_search",
    "DROP TABLE documents_search",
    "DROP FUNCTION search_vector(regconfig, text, text)",
    "DROP FUNCTION search_config(text)",
]


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_UPGRADE)
    else:
        _run(SQLITE_UPGRADE)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_DOWNGRADE)
    else:
        _run(SQLITE_DOWNGRADE)
