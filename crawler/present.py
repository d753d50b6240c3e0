"""How search hits, one release and persons are printed: rich tables, CSV and JSON.

Pure formatting over the dataclasses of :mod:`db.search`, :mod:`db.release_view`
and :mod:`db.persons_query`; no database access. In CSV and JSON a search match
is marked ``<mark>…</mark>``; in a terminal it is shown bold on yellow, in a table
written to a pipe or file ``**…**``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from db.persons_query import PersonSummary
from db.release_view import ReleaseView, statement_segments
from db.search import MARK_START, MARK_STOP, DocumentHit, MeetingOfHit, StatementHit

HTML_START, HTML_STOP = "<mark>", "</mark>"
HIGHLIGHT = "bold black on yellow"


def marked(snippet: str | None, start: str = HTML_START, stop: str = HTML_STOP) -> str:
    """``snippet`` with the search's match marks as ``start``/``stop``."""
    return (snippet or "").replace(MARK_START, start).replace(MARK_STOP, stop)


def highlighted(snippet: str | None, *, plain: bool = False) -> Text:
    """A rich Text of ``snippet`` with every match styled, or (``plain``: no terminal,
    so no styles) marked ``**match**``."""
    result = Text()
    rest = snippet or ""
    while (i := rest.find(MARK_START)) >= 0:
        j = rest.find(MARK_STOP, i)
        j = len(rest) if j < 0 else j
        result.append(rest[:i])
        match = rest[i + 1:j]
        result.append(f"**{match}**" if plain else match, style="" if plain else HIGHLIGHT)
        rest = rest[j + 1:]
    result.append(rest)
    return result


def participant_label(meetings: Sequence[MeetingOfHit]) -> str:
    """``Name (Title, XX) #person_id; ...`` per meeting, meetings separated by `` | ``."""
    return " | ".join(
        "; ".join(f"{p.name} ({p.title or '-'}, {p.country or p.organisation or '-'}) "
                  f"#{p.person_id}" for p in m.participants)
        for m in meetings)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, str):
        return marked(value)
    return _iso(value)


def write_json(items: Iterable[Any], out: IO[str]) -> None:
    """A JSON array of the dataclasses ``items``, one item per line."""
    out.write("[")
    for n, item in enumerate(items):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(jsonable(item), ensure_ascii=False))
    out.write("\n]\n")


DOCUMENT_COLUMNS = ("rank", "score", "document_id", "published", "source", "title", "snippet",
                    "participants", "url")
STATEMENT_COLUMNS = ("rank", "score", "statement_id", "date", "source", "speaker", "speaker_id",
                     "speaker_country", "verb", "snippet", "meeting_id", "meeting_kind",
                     "meeting_date", "document_id", "url")


def document_rows(hits: Iterable[DocumentHit]) -> Iterable[tuple[Any, ...]]:
    for h in hits:
        yield (h.rank, round(h.score, 4), h.document_id, _iso(h.published), h.source,
               marked(h.title_marked or h.title), marked(h.snippet),
               participant_label(h.meetings), h.url)


def statement_rows(hits: Iterable[StatementHit]) -> Iterable[tuple[Any, ...]]:
    for h in hits:
        yield (h.rank, round(h.score, 4), h.statement_id, _iso(h.date), h.source, h.speaker,
               h.speaker_id, h.speaker_country, h.verb, marked(h.snippet), h.meeting_id,
               h.meeting_kind, _iso(h.meeting_date), h.document_id, h.url)


def print_document_hits(hits: Sequence[DocumentHit], console: Console) -> None:
    table = Table("#", "date", "src", "release", "participants", show_lines=True)
    for h in hits:
        release = Text()
        plain = not console.is_terminal
        release.append_text(highlighted(h.title_marked or h.title or "(no title)", plain=plain))
        release.append(f"  [document {h.document_id}]\n", style="dim")
        release.append_text(highlighted(h.snippet, plain=plain))
        release.append(f"\n{h.url}", style="cyan")
        people = "\n".join(
            f"{m.kind} {_iso(m.date) or '?'}: " + "; ".join(
                f"{p.name} ({p.country or p.organisation or '-'}) #{p.person_id}"
                for p in m.participants)
            for m in h.meetings) or "-"
        table.add_row(str(h.rank), str(_iso(h.published) or "-"), h.source, release, people)
    console.print(table)


def print_statement_hits(hits: Sequence[StatementHit], console: Console) -> None:
    table = Table("#", "date", "src", "speaker", "statement", "meeting", show_lines=True)
    for h in hits:
        statement = highlighted(h.snippet, plain=not console.is_terminal)
        statement.append(f"\n{h.url}", style="cyan")
        speaker = (f"{h.speaker or '(the sides)'}"
                   + (f" ({h.speaker_country})" if h.speaker_country else "")
                   + (f" #{h.speaker_id}" if h.speaker_id is not None else "") + f"\n{h.verb}")
        meeting = (f"{h.meeting_kind} {_iso(h.meeting_date) or '?'} #{h.meeting_id}"
                   if h.meeting_id is not None else "-")
        table.add_row(str(h.rank), str(_iso(h.date) or "-"), h.source, speaker, statement,
                      meeting)
    console.print(table)


# --- one release (mfa-archive show) ---------------------------------------------------------

STATEMENT_STYLE = "bold magenta"


def statement_marker(ordinal: int) -> tuple[str, str]:
    """The marks around statement ``ordinal`` (from 0) in a release's text: ``⟦S1 …⟧``."""
    return f"⟦S{ordinal + 1} ", "⟧"


def release_text(view: ReleaseView) -> Text:
    """The release's text with each statement marked ``⟦S1 …⟧`` and styled."""
    result = Text()
    for stretch, statement in statement_segments(view.text, view.statements):
        if statement is None:
            result.append(stretch)
            continue
        start, stop = statement_marker(statement.ordinal)
        result.append(start, style="bold")
        result.append(stretch, style=STATEMENT_STYLE)
        result.append(stop, style="bold")
    return result


def version_diff(older: str, newer: str, limit: int = 40) -> list[str]:
    """A unified diff of two texts, line by line (at most ``limit`` lines)."""
    import difflib

    lines = list(difflib.unified_diff(older.splitlines(), newer.splitlines(), "before",
                                      "after", lineterm="", n=0))
    return lines[2:2 + limit] + (["..."] if len(lines) > 2 + limit else [])


def print_release(view: ReleaseView, console: Console) -> None:
    console.print(Text(view.title or "(no title)", style="bold"))
    facts = [f"document {view.document_id}", f"published {_iso(view.published) or 'unknown'}",
             f"source {view.source} ({view.ministry})", f"language {view.language or '-'}",
             f"fetched {view.fetched_at:%Y-%m-%d %H:%M} UTC"]
    if view.gone_at:
        facts.append(f"gone from the site since {view.gone_at:%Y-%m-%d}")
    console.print(" · ".join(facts))
    console.print(Text(view.url, style="cyan"))
    console.print()
    console.print(release_text(view))
    console.print()
    meetings = Table("meeting", "date", "kind", "location", "participants (person id)",
                     title=f"Meetings ({len(view.meetings)})", show_lines=True)
    for m in view.meetings:
        people = "\n".join(
            f"{p.name} #{p.person_id}: {p.title or '-'}, {p.country or p.organisation or '-'}"
            + (f", {p.role}" if p.role else "") for p in m.participants) or "-"
        meetings.add_row(str(m.meeting_id), str(_iso(m.date) or "?"), m.kind, m.location or "-",
                         people)
    console.print(meetings)
    statements = Table("#", "statement", "speaker (person id)", "verb", "meeting", "text",
                       title=f"Statements ({len(view.statements)})", show_lines=True)
    for s in view.statements:
        statements.add_row(f"S{s.ordinal + 1}", str(s.statement_id),
                           (s.speaker or "(the sides)")
                           + (f" #{s.speaker_id}" if s.speaker_id is not None else ""),
                           s.verb, str(s.meeting_id) if s.meeting_id is not None else "-",
                           s.text)
    console.print(statements)
    if not view.versions:
        console.print("Versions: none (the text has not changed since it was archived)")
        return
    console.print(Text(f"Versions ({len(view.versions)} earlier)", style="bold"))
    texts = [v.text for v in view.versions] + [view.text]
    for n, v in enumerate(view.versions):
        console.print(f"version {v.version_id}: fetched {v.fetched_at:%Y-%m-%d %H:%M}, replaced "
                      f"{v.replaced_at:%Y-%m-%d %H:%M}, title {v.title!r}")
        for line in version_diff(v.text, texts[n + 1]):
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
            console.print(Text("    " + line, style=style))


# --- persons (mfa-archive persons) -----------------------------------------------------------

PERSON_COLUMNS = ("person_id", "name", "variants", "countries", "titles", "first_seen", "last_seen",
                  "meetings", "statements")


def person_rows(persons: Iterable[PersonSummary]) -> Iterable[tuple[Any, ...]]:
    for p in persons:
        yield (p.person_id, p.name, "; ".join(p.variants), "; ".join(p.countries), "; ".join(p.titles),
               _iso(p.first_seen), _iso(p.last_seen), p.meetings, p.statements)


def print_persons(persons: Sequence[PersonSummary], console: Console) -> None:
    table = Table("id", "person", "also written", "countries", "titles held", "first seen",
                  "last seen", "meetings", "statements")
    for p in persons:
        table.add_row(str(p.person_id), p.name, "\n".join(p.variants) or "-",
                      ", ".join(p.countries) or "-",
                      "\n".join(p.titles) or "-", str(_iso(p.first_seen) or "-"),
                      str(_iso(p.last_seen) or "-"), str(p.meetings), str(p.statements))
    console.print(table)
