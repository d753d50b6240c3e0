"""The Datasette plugin of ``mfa-archive browse`` (see :mod:`crawler.browse_site`).

The pages read the archive through :mod:`db.release_view` and :mod:`db.search`
on a read-only engine of the served file; Datasette's own connections serve
its table pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import datasette
from datasette import Response
from markupsafe import Markup, escape

from crawler import present
from db.release_view import ReleaseView, load_release, statement_segments
from db.search import MARK_START, MARK_STOP, SearchFilters, search_documents, search_statements
from db.search_query import QuerySyntaxError
from db.session import make_engine

# The home page: what an analyst opens first, in this order (those the archive has).
FIRST = ("meetings", "participants", "statements", "persons", "documents")
THEN = ("meeting_participants", "person_meetings", "meeting_dyads", "statement_facts",
        "document_versions", "sources")
RELEASE_PATH = "/-/release/"

_engines: dict[str, Any] = {}
F = TypeVar("F", bound=Callable[..., Any])


def hookimpl(function: F) -> F:
    """Datasette's hook marker, typed."""
    return cast(F, datasette.hookimpl(function))


def _engine(path: str) -> Any:
    if path not in _engines:
        _engines[path] = make_engine(f"sqlite:///{path}", read_only=True)
    return _engines[path]


async def _read(datasette: Any, work: Callable[[Any], Any]) -> Any:
    """Run ``work(connection)`` on the served archive, off the event loop."""
    path = datasette.get_database().path

    def run() -> Any:
        with _engine(path).connect() as conn:
            return work(conn)

    return await asyncio.to_thread(run)


def marked_html(snippet: str | None) -> Markup:
    """A search snippet as HTML: the text escaped, each match in ``<mark>``."""
    html = str(escape(snippet or ""))
    return Markup(html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def release_html(view: ReleaseView) -> Markup:
    """The release's text as HTML, each statement a ``<mark class="statement">``."""
    parts: list[str] = []
    for stretch, st in statement_segments(view.text, view.statements):
        if st is None:
            parts.append(str(escape(stretch)))
            continue
        who = f"{st.speaker or 'the sides'} {st.verb}"
        parts.append(f'<mark class="statement" id="s{st.ordinal + 1}" title="{escape(who)}">'
                     f'<sup>S{st.ordinal + 1}</sup>{escape(stretch)}</mark>')
    return Markup("".join(parts))


async def release_page(datasette: Any, request: Any) -> Any:
    key = request.url_vars["document_id"]
    view = await _read(datasette, lambda conn: load_release(conn, key))
    if view is None:
        return Response.html(f"<h1>No release {escape(key)}</h1>", status=404)
    database = datasette.get_database().name
    texts = [v.text for v in view.versions] + [view.text]
    versions = [(v, present.version_diff(v.text, texts[n + 1]))
                for n, v in enumerate(view.versions)]
    html = await datasette.render_template("release.html", {
        "release": view, "text_html": release_html(view), "database": database,
        "versions": versions}, request=request)
    return Response.html(html)


async def search_page(datasette: Any, request: Any) -> Any:
    query = request.args.get("q", "").strip()
    where = "statements" if request.args.get("in") == "statements" else "documents"
    hits: list[Any] = []
    error = None
    if query:
        find = search_statements if where == "statements" else search_documents
        try:
            hits = await _read(datasette, lambda conn: find(conn, query, SearchFilters(limit=50)))
        except QuerySyntaxError as exc:
            error = str(exc)
    html = await datasette.render_template("search.html", {
        "query": query, "where": where, "hits": hits, "error": error, "marked": marked_html,
        "database": datasette.get_database().name}, request=request)
    return Response.html(html)


async def codebook_page(datasette: Any, request: Any) -> Any:
    """The codebook (docs/schema.md, package data), as Markdown text."""
    from crawler.browse import CODEBOOK

    return Response.text(CODEBOOK.read_text(encoding="utf-8"))


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    return [(r"^/-/release/(?P<document_id>[0-9]+)$", release_page),
            (r"^/-/search$", search_page),
            (r"^/-/codebook$", codebook_page)]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None) -> Any:
    """Release ids and titles link to the release page; ``raw_html`` stays off the screen."""
    if column == "raw_html":
        size = len(value) if isinstance(value, bytes) else 0
        return Markup("<em>stored page, {:,} bytes (gzip): not shown</em>").format(size)
    if value is None:
        return None
    document_id = None
    if column == "document_id" and isinstance(value, dict):  # a foreign key, with its label
        document_id, value = value.get("value"), value.get("label") or value.get("value")
    elif column == "document_id" or table == "documents" and column == "id":
        document_id = value
    elif table == "documents" and column == "title":
        try:
            document_id = row["id"]
        except (IndexError, KeyError):  # the id column was left out (?_col=...)
            return None
    if document_id is None:
        return None
    return Markup('<a href="{}{}" title="the release beside its records">{}</a>').format(
        RELEASE_PATH, document_id, value)


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    if template != "index.html":
        return None

    async def home() -> dict[str, Any]:
        db = datasette.get_database()
        names = set(await db.table_names()) | set(await db.view_names())
        meta = datasette.metadata(database=db.name) or {}
        tables = meta.get("tables", {})

        def entry(name: str) -> dict[str, str]:
            return {"name": name, "url": datasette.urls.table(db.name, name),
                    "description": tables.get(name, {}).get("description", "")}

        return {"first": [entry(n) for n in FIRST if n in names],
                "then": [entry(n) for n in THEN if n in names],
                "queries": [{"name": n, "title": q.get("title", n),
                             "url": datasette.urls.query(db.name, n)}
                            for n, q in meta.get("queries", {}).items()],
                "database_name": db.name,
                "database_url": datasette.urls.database(db.name)}

    return home
