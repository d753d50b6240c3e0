"""Full-text search over releases and statements, ranked, with highlighted snippets.

The search tables are made and kept in sync by the migration ``search_fulltext``
(SQLite FTS5, PostgreSQL ``tsvector`` + GIN; see docs/schema.md). Queries use
the one syntax of :mod:`db.search_query` on both databases. Snippets mark each
match with :data:`MARK_START` and :data:`MARK_STOP` (control characters that
extracted text never holds); callers turn them into their own markup.

On SQLite a query with a word in a non-Latin script also searches the trigram
tables, which find the word inside longer ones (Arabic particles written
together with the word, Chinese without spaces); those hits come after the
word hits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.exc import DBAPIError

from db.models import Document, Meeting, Participant, Person, Source, Statement
from db.search_query import (
    Node,
    QuerySyntaxError,
    fts5,
    non_latin,
    parse,
    positive,
    terms,
    tsquery,
)

# Ranking reads at most this many matches: when more rows match a query (a common word on a
# large archive), only the most recently archived ones (the highest ids) are ranked, so the
# cost of a search is bounded whatever the archive's size (README, docs/schema.md).
RANK_CANDIDATES = 10_000

MARK_START = "\x02"
MARK_STOP = "\x03"
WHERE = ("documents", "statements")

__all__ = ["WHERE", "DocumentHit", "MeetingOfHit", "QuerySyntaxError", "SearchFilters",
           "StatementHit", "search_documents", "search_statements"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchFilters:
    """``source``: a source key; ``country``: a participant's country (documents) or the
    speaker's (statements); ``since``/``until``: the release's (statement: its meeting's,
    else the release's) date, inclusive."""

    source: str | None = None
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 20


@dataclass(frozen=True, slots=True)
class ParticipantOfHit:
    person_id: int
    name: str
    title: str | None
    country: str | None
    organisation: str | None


@dataclass(frozen=True, slots=True)
class MeetingOfHit:
    meeting_id: int
    date: dt.date | None
    kind: str
    location: str | None
    participants: list[ParticipantOfHit] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DocumentHit:
    rank: int
    score: float
    document_id: int
    url: str
    source: str
    published: dt.date | None
    title: str | None
    title_marked: str | None
    snippet: str
    meetings: list[MeetingOfHit]


@dataclass(frozen=True, slots=True)
class StatementHit:
    rank: int
    score: float
    statement_id: int
    document_id: int
    url: str
    source: str
    date: dt.date | None
    speaker: str | None
    speaker_id: int | None
    speaker_country: str | None
    verb: str
    snippet: str
    meeting_id: int | None
    meeting_date: dt.date | None
    meeting_kind: str | None


# --- ranking: the ids of the best hits -------------------------------------------------


def _date(conn: Connection, value: dt.date) -> Any:
    return value.isoformat() if conn.dialect.name == "sqlite" else value


def _document_filters(conn: Connection, filters: SearchFilters,
                      params: dict[str, Any]) -> tuple[str, list[str]]:
    """(joins, conditions) over ``d`` (documents) for the filters."""
    joins, where = "", []
    if filters.source:
        where.append("d.source_id = (SELECT s.id FROM sources AS s WHERE s.key = :source)")
        params["source"] = filters.source.lower()
    if filters.since:
        where.append("d.published >= :since")
        params["since"] = _date(conn, filters.since)
    if filters.until:
        where.append("d.published <= :until")
        params["until"] = _date(conn, filters.until)
    if filters.country:
        # A set built once (a correlated EXISTS would probe per hit, by country first).
        where.append("d.id IN (SELECT fm.document_id FROM meetings AS fm JOIN participants "
                     "AS fp ON fp.meeting_id = fm.id WHERE fp.country = :country)")
        params["country"] = filters.country.upper()
    return joins, where


def _statement_filters(conn: Connection, filters: SearchFilters,
                       params: dict[str, Any]) -> tuple[str, list[str]]:
    """(joins, conditions) over ``st`` (statements) for the filters."""
    joins, where = "", []
    if filters.source or filters.since or filters.until:
        joins += " JOIN documents AS d ON d.id = st.document_id"
    if filters.source:
        where.append("d.source_id = (SELECT s.id FROM sources AS s WHERE s.key = :source)")
        params["source"] = filters.source.lower()
    if filters.since or filters.until:
        joins += " LEFT JOIN meetings AS m ON m.id = st.meeting_id"
        if filters.since:
            where.append("COALESCE(m.date, d.published) >= :since")
            params["since"] = _date(conn, filters.since)
        if filters.until:
            where.append("COALESCE(m.date, d.published) <= :until")
            params["until"] = _date(conn, filters.until)
    if filters.country:
        where.append("EXISTS (SELECT 1 FROM participants AS fp WHERE fp.meeting_id = "
                     "st.meeting_id AND fp.person_id = st.speaker_id AND fp.country = :country)")
        params["country"] = filters.country.upper()
    return joins, where


@dataclass(frozen=True, slots=True)
class _Target:
    """What a search runs over: the row table and alias, and its search table(s)."""

    rows: str
    alias: str
    fts: str  # SQLite unicode61 table; PostgreSQL tsvector table
    trigram: str
    key: str  # PostgreSQL: the search table's id column
    weights: str  # SQLite bm25 column weights
    columns: tuple[str, ...]


_DOCUMENTS = _Target("documents", "d", "documents_search", "documents_search_trigram",
                     "document_id", "5.0, 1.0", ("title", "text"))
_STATEMENTS = _Target("statements", "st", "statements_search", "statements_search_trigram",
                      "statement_id", "1.0", ("text",))


def _sqlite_rank(conn: Connection, target: _Target, table: str, match: str, joins: str,
                 where: list[str], params: dict[str, Any], limit: int,
                 skip: Sequence[int]) -> list[tuple[int, float]]:
    conditions = [f"{table} MATCH :match", *where]
    if skip:
        conditions.append(f"{table}.rowid NOT IN :skip")
    row_join = (f" JOIN {target.rows} AS {target.alias} ON {target.alias}.id = {table}.rowid"
                if joins or where else "")
    values = {**params, "match": match, "limit": limit, "candidates": RANK_CANDIDATES,
              **({"skip": list(skip)} if skip else {})}
    # The newest RANK_CANDIDATES matches (FTS5 reads its index in rowid order), then ranked.
    sql = (f"SELECT rowid, score FROM (SELECT {table}.rowid AS rowid, "  # noqa: S608
           f"bm25({table}, {target.weights}) AS score "
           f"FROM {table}{row_join}{joins} WHERE {' AND '.join(conditions)} "
           f"ORDER BY {table}.rowid DESC LIMIT :candidates) "
           "ORDER BY score, rowid LIMIT :limit")
    statement = text(sql)
    if skip:
        statement = statement.bindparams(bindparam("skip", expanding=True))
    return [(int(i), -float(s)) for i, s in conn.execute(statement, values)]


def _sqlite_snippets(conn: Connection, target: _Target, table: str, match: str,
                     ids: Sequence[int]) -> dict[int, tuple[str | None, str]]:
    """``{id: (marked title or None, snippet)}`` from ``table``'s match of ``ids``."""
    if not ids:
        return {}
    last = len(target.columns) - 1
    title = (f"highlight({table}, 0, :start, :stop)" if len(target.columns) > 1
             else "NULL")
    # A release's text as a snippet around its matches; a statement whole.
    body = (f"snippet({table}, {last}, :start, :stop, '…', 24)" if last
            else f"highlight({table}, 0, :start, :stop)")
    sql = text(f"SELECT rowid, {title}, {body} FROM {table} "  # noqa: S608
               f"WHERE {table} MATCH :match AND rowid IN :ids"
               ).bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(sql, {"match": match, "ids": list(ids), "start": MARK_START,
                              "stop": MARK_STOP})
    return {int(i): (t, s or "") for i, t, s in rows}


def _sqlite_search(conn: Connection, target: _Target, node: Node, joins: str,
                   where: list[str], params: dict[str, Any],
                   limit: int) -> list[tuple[int, float, str | None, str]]:
    tables = [(target.fts, fts5(node))]
    if non_latin(node):
        tables.append((target.trigram, fts5(node, trigram=True)))
    hits: list[tuple[int, float, str | None, str]] = []
    for table, match in tables:
        try:
            ranked = _sqlite_rank(conn, target, table, match, joins, where, params,
                                  limit - len(hits), [h[0] for h in hits])
            snippets = _sqlite_snippets(conn, target, table, match, [i for i, _ in ranked])
        except DBAPIError as exc:
            if "fts5" not in str(exc.orig):  # not about the query: locked, corrupt ...
                raise
            # The renderer quotes every word, so FTS5 should always read it.
            raise QuerySyntaxError(f"the database cannot run this query: {exc.orig}") from exc
        hits += [(i, score, *snippets.get(i, (None, ""))) for i, score in ranked]
        if len(hits) >= limit:
            break
    return hits


# The first window of ids a PostgreSQL search reads (in RANK_CANDIDATES), and how much larger
# each next one may be than the one before (when few or no ids matched).
FIRST_WINDOW = 2
WINDOW_GROWTH = 16


def _newest_windows(conn: Connection, target: _Target,
                    taken: list[int]) -> Iterator[tuple[int, int]]:
    """Ranges of ids ``(low, high]``, the newest first, until the matches taken in them
    (``taken``: how many each range gave, appended by the caller after each) add up to
    RANK_CANDIDATES or every id has been covered.

    Why: a common word, a phrase or a prefix can match a tenth of a large archive, and a
    query for the newest matches in one go makes PostgreSQL read every match from the GIN
    index's bitmap (and recheck a phrase's word positions on each) before it can sort them.
    Within a range of ids it reads only the matches in the range (the bitmaps of the GIN
    index and of the ids' index, ANDed), or the range's rows newest first until it has
    enough, so the rows read stay near RANK_CANDIDATES. Each next range is sized to hold
    the matches still wanted (and a quarter more) at the share of ids that matched in the
    range before.
    """
    top = conn.execute(text(f"SELECT max({target.key}) FROM {target.fts}")).scalar()  # noqa: S608
    if top is None:
        return
    high, size = int(top), FIRST_WINDOW * RANK_CANDIDATES
    while True:
        low = max(high - size, 0)
        yield low, high
        total = sum(taken)
        if total >= RANK_CANDIDATES or low == 0:
            return
        wanted = (RANK_CANDIDATES - total) * 1.25
        growth = WINDOW_GROWTH if not taken[-1] else min(WINDOW_GROWTH, wanted / taken[-1])
        high, size = low, max(int(size * growth), RANK_CANDIDATES - total, 1)


# The memory of a PostgreSQL search's bitmaps (work_mem): a common word's matches in the
# GIN index stay one bit per row (in less, the bitmap keeps whole pages and every row on
# them is read and checked again).
SEARCH_WORK_MEM = "64MB"


@contextmanager
def _search_settings(conn: Connection) -> Iterator[None]:
    """Inside the block (this transaction only): ``work_mem`` at least SEARCH_WORK_MEM, and
    a plan made for each statement's values (``plan_cache_mode``): psycopg prepares a
    statement run five times, and PostgreSQL's generic plan of it cannot see the words
    (how many rows they match) nor the window of ids."""
    work_mem, plan_cache_mode, lower = conn.execute(text(
        "SELECT current_setting('work_mem'), current_setting('plan_cache_mode'), "
        "pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(:mem)"),
        {"mem": SEARCH_WORK_MEM}).one()
    change = text("SELECT set_config('work_mem', :mem, true), "
                  "set_config('plan_cache_mode', :plans, true)")
    conn.execute(change, {"mem": SEARCH_WORK_MEM if lower else work_mem,
                          "plans": "force_custom_plan"})
    yield  # on an error the transaction is rolled back, and the settings with it
    conn.execute(change, {"mem": work_mem, "plans": plan_cache_mode})


def _postgres_search(conn: Connection, target: _Target, node: Node, joins: str,
                     where: list[str], params: dict[str, Any],
                     limit: int) -> list[tuple[int, float, str | None, str]]:
    words: dict[str, str] = {}
    english, simple = tsquery(node, "english", words), tsquery(node, "simple", words)
    # What a hit's rank and highlights are about: the words not excluded.
    ranks = (tsquery(positive(node), "english", words, "p"),
             tsquery(positive(node), "simple", words, "p"))
    query = f"(CASE WHEN x.config = 'english'::regconfig THEN {ranks[0]} ELSE {ranks[1]} END)"
    # One part of the statement per configuration, each reading only its configuration's
    # rows by the indexes of migration search_vector_other (the ids' partial btree, the GIN
    # of ``CASE WHEN config ... THEN vector END``, whose statistics are the configuration's
    # own). The part's only tsquery condition is the GIN index's, which PostgreSQL then
    # evaluates on a row just once (a phrase's recheck), not once more in a filter.
    parts = [("=", english, ranks[0]), ("<>", simple, ranks[1])]
    row_join = (f" JOIN {target.rows} AS {target.alias} ON {target.alias}.id = x.{target.key}"
                if joins or where else "")
    filters = "".join(f" AND {condition}" for condition in where)
    # The newest RANK_CANDIDATES matches, window by window of ids (see _newest_windows): in
    # each, its newest matches still wanted, with their rank, of which only the best `limit`
    # come back (with how many there were); the best of those are the best of all.
    union = " UNION ALL ".join(
        f"(SELECT x.{target.key} AS id, ts_rank(x.vector, {rank}) AS score "  # noqa: S608
        f"FROM {target.fts} AS x{row_join}{joins} "
        f"WHERE x.{target.key} > :low AND x.{target.key} <= :high "
        f"AND x.config {op} 'english'::regconfig AND (CASE WHEN x.config {op} "
        f"'english'::regconfig THEN x.vector END) @@ {match}{filters} "
        f"ORDER BY x.{target.key} DESC LIMIT :need)" for op, match, rank in parts)
    window = text(
        "SELECT id, score, n FROM (SELECT id, score, count(*) OVER () AS n "  # noqa: S608
        f"FROM (SELECT id, score FROM ({union}) AS u ORDER BY id DESC LIMIT :need) AS c) AS r "
        "ORDER BY score DESC, id LIMIT :limit")
    taken: list[int] = []
    found: list[tuple[int, float]] = []
    for low, high in _newest_windows(conn, target, taken):
        rows = conn.execute(window, {**params, **words, "low": low, "high": high,
                                     "need": RANK_CANDIDATES - sum(taken),
                                     "limit": limit}).all()
        taken.append(int(rows[0][2]) if rows else 0)
        found += [(int(i), float(score)) for i, score, _ in rows]
    ranked = sorted(found, key=lambda hit: (-hit[1], hit[0]))[:limit]
    if not ranked:
        return []
    options = (f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=40, MinWords=15, "
               'MaxFragments=2, FragmentDelimiter=" … "')
    a = target.alias
    config = "x.config"
    if any(t.prefix for t in terms(node)):
        # A prefix matches the unstemmed words: highlight the words as written.
        config, query = "'simple'::regconfig", tsquery(positive(node), "simple", words, "p")
    title = (f"ts_headline({config}, coalesce({a}.title, ''), {query}, :all_options)"
             if len(target.columns) > 1 else "NULL")
    sql = (f"SELECT x.{target.key}, {title}, "  # noqa: S608
           f"ts_headline({config}, {a}.text, {query}, "
           f"{':options' if len(target.columns) > 1 else ':all_options'}) "
           f"FROM {target.fts} AS x JOIN {target.rows} AS {a} ON {a}.id = x.{target.key} "
           f"WHERE x.{target.key} IN :ids")
    statement = text(sql).bindparams(bindparam("ids", expanding=True))
    snippets = {int(i): (t, s) for i, t, s in conn.execute(statement, {
        **words, "ids": [i for i, _ in ranked], "options": options,
        "all_options": f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"})}
    return [(i, score, *snippets[i]) for i, score in ranked]


def _search(conn: Connection, target: _Target, query: str, filters: SearchFilters,
            ) -> list[tuple[int, float, str | None, str]]:
    node = parse(query)
    if filters.limit < 1:
        return []
    params: dict[str, Any] = {}
    build = _document_filters if target is _DOCUMENTS else _statement_filters
    joins, where = build(conn, filters, params)
    if conn.dialect.name != "postgresql":
        return _sqlite_search(conn, target, node, joins, where, params, filters.limit)
    with _search_settings(conn):
        return _postgres_search(conn, target, node, joins, where, params, filters.limit)


# --- the hits with their records -----------------------------------------------------


def meetings_of(conn: Connection, document_ids: Sequence[int]) -> dict[int, list[MeetingOfHit]]:
    """Each document's meetings with their participants, in order."""
    if not document_ids:
        return {}
    rows = conn.execute(
        select(Meeting.document_id, Meeting.id, Meeting.date, Meeting.kind, Meeting.location,
               Participant.person_id, Person.name, Participant.title, Participant.country,
               Participant.organisation)
        .outerjoin(Participant, Participant.meeting_id == Meeting.id)
        .outerjoin(Person, Person.id == Participant.person_id)
        .where(Meeting.document_id.in_(document_ids))
        .order_by(Meeting.document_id, Meeting.ordinal, Participant.ordinal))
    meetings: dict[int, list[MeetingOfHit]] = defaultdict(list)
    by_id: dict[int, MeetingOfHit] = {}
    for doc, mid, date, kind, location, person_id, name, title, country, org in rows:
        if mid not in by_id:
            by_id[mid] = MeetingOfHit(mid, date, kind, location)
            meetings[doc].append(by_id[mid])
        if person_id is not None:
            by_id[mid].participants.append(ParticipantOfHit(person_id, name, title, country, org))
    return meetings


def search_documents(conn: Connection, query: str, filters: SearchFilters) -> list[DocumentHit]:
    """Releases matching ``query`` in their title or text, best first (ranked among the
    :data:`RANK_CANDIDATES` most recently archived matches when more match).

    Raises :class:`QuerySyntaxError` for a query that cannot be read.
    """
    hits = _search(conn, _DOCUMENTS, query, filters)
    ids = [h[0] for h in hits]
    rows = {r.id: r for r in conn.execute(
        select(Document.id, Document.url, Document.published, Document.title,
               Source.key.label("source"))
        .join(Source, Source.id == Document.source_id).where(Document.id.in_(ids)))}
    meetings = meetings_of(conn, ids)
    return [DocumentHit(rank=n, score=score, document_id=i, url=rows[i].url,
                        source=rows[i].source, published=rows[i].published,
                        title=rows[i].title, title_marked=title, snippet=snippet,
                        meetings=meetings.get(i, []))
            for n, (i, score, title, snippet) in enumerate(hits, start=1)]


def search_statements(conn: Connection, query: str,
                      filters: SearchFilters) -> list[StatementHit]:
    """Statements matching ``query``, best first (among the :data:`RANK_CANDIDATES` newest
    matches), with speaker, meeting and release."""
    hits = _search(conn, _STATEMENTS, query, filters)
    ids = [h[0] for h in hits]
    speaker_country = (
        select(Participant.country)
        .where(Participant.meeting_id == Statement.meeting_id,
               Participant.person_id == Statement.speaker_id)
        .order_by(Participant.ordinal).limit(1).scalar_subquery())
    rows = {r.id: r for r in conn.execute(
        select(Statement.id, Statement.document_id, Document.url, Source.key.label("source"),
               Document.published, Statement.speaker, Statement.speaker_id,
               speaker_country.label("speaker_country"), Statement.verb, Statement.meeting_id,
               Meeting.date.label("meeting_date"), Meeting.kind.label("meeting_kind"))
        .join(Document, Document.id == Statement.document_id)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(Meeting, Meeting.id == Statement.meeting_id)
        .where(Statement.id.in_(ids)))}
    result = []
    for n, (i, score, _, snippet) in enumerate(hits, start=1):
        r = rows[i]
        result.append(StatementHit(
            rank=n, score=score, statement_id=i, document_id=r.document_id, url=r.url,
            source=r.source, date=r.meeting_date or r.published, speaker=r.speaker,
            speaker_id=r.speaker_id, speaker_country=r.speaker_country, verb=r.verb,
            snippet=snippet, meeting_id=r.meeting_id, meeting_date=r.meeting_date,
            meeting_kind=r.meeting_kind))
    return result
