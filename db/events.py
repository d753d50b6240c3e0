"""``mfa-archive export events``: meetings as dyadic events, in the conventions of event data.

One row per meeting and ordered pair of participants who represent different
sides (a country, or an organisation when the participant has no country):
actor 1 did something with actor 2, so a meeting of A and B gives A->B and
B->A. Every event is PLOVER ``CONSULT``; its mode and CAMEO code come from the
meeting's kind and the participants' host/guest roles (:func:`classify`, the
table in docs/schema.md, section "events").

The event id is a hash of the facts (release URL, date, kind and both actors'
sides and folded names), never a row id, so re-extracting a release that
yields the same meeting gives the same ids. Rows are read from one snapshot in
constant memory, ordered by release, meeting and participants.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pycountry
from sqlalchemy import Connection, Engine, select

from db.export import atomic_output
from db.models import Document, Meeting, Participant, Person, Source
from db.queries import AnySelect, ExportFilters
from db.rows import snapshot, write_rows

PLOVER_CATEGORY = "CONSULT"
BATCH = 5_000

# (name, Arrow type, meaning): the export's columns, in order; docs/schema.md repeats them.
COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("event_id", pa.string(), ("Hash of the event's facts (release URL, date, kind, both actors); "
     "the same across re-extraction when those facts did not change.")),
    ("date", pa.date32(), "The day of the meeting; NULL if unknown."),
    ("source", pa.string(), "The reporting ministry (`sources.key`)."),
    ("source_iso3", pa.string(), "ISO 3166 alpha-3 code of the reporting ministry's country."),
    ("actor1_iso3", pa.string(), ("ISO 3166 alpha-3 code of the country actor 1 represented; "
     "NULL for an organisation.")),
    ("actor1_organisation", pa.string(), ("The organisation actor 1 represented, when not a "
     "country.")),
    ("actor1_name", pa.string(), "Actor 1's name (`persons.name`)."),
    ("actor1_person_id", pa.int64(), "Actor 1's `persons.id`."),
    ("actor1_title", pa.string(), "Actor 1's title in this meeting."),
    ("actor1_role", pa.string(), "Actor 1's role: `host`, `guest` or NULL."),
    ("actor2_iso3", pa.string(), ("ISO 3166 alpha-3 code of the country actor 2 represented; "
     "NULL for an organisation.")),
    ("actor2_organisation", pa.string(), ("The organisation actor 2 represented, when not a "
     "country.")),
    ("actor2_name", pa.string(), "Actor 2's name (`persons.name`)."),
    ("actor2_person_id", pa.int64(), "Actor 2's `persons.id`."),
    ("actor2_title", pa.string(), "Actor 2's title in this meeting."),
    ("actor2_role", pa.string(), "Actor 2's role: `host`, `guest` or NULL."),
    ("plover_category", pa.string(), "The PLOVER event category: always `CONSULT`."),
    ("plover_mode", pa.string(), ("The PLOVER mode of the consultation: `phone`, `video`, "
     "`visit`, `reception`, `third-location`; NULL when the release does not tell.")),
    ("cameo_code", pa.string(), ("The CAMEO code, as text with its leading zero: `040` consult, "
     "`041` discuss by telephone, `042` make a visit, `043` host a visit, `044` meet at a third "
     "location.")),
    ("meeting_kind", pa.string(), "The meeting's kind (`meetings.kind`)."),
    ("location", pa.string(), "Where the meeting took place, as written."),
    ("meeting_id", pa.int64(), ("`meetings.id` (a row id: it changes when a release is "
     "re-extracted).")),
    ("document_id", pa.int64(), "The release (`documents.id`)."),
    ("url", pa.string(), "The release's URL."),
    ("extractor_version", pa.string(), ("Version of the record extractor that found the "
     "meeting.")),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)

# ISO 3166 alpha-2 codes pycountry does not know (user-assigned ones in common use).
_EXTRA_ISO3 = {"XK": "XKX"}


def iso3(alpha2: str | None) -> str | None:
    """The alpha-3 code of an ISO 3166 alpha-2 code; None if there is none."""
    if not alpha2:
        return None
    code = alpha2.upper()
    if code in _EXTRA_ISO3:
        return _EXTRA_ISO3[code]
    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else str(country.alpha_3)


def classify(kind: str, role1: str | None, role2: str | None,
             location: str | None) -> tuple[str | None, str]:
    """``(PLOVER mode, CAMEO code)`` of actor 1 consulting actor 2 in a meeting of ``kind``.

    Calls: ``phone``/041 and ``video``/040 (CAMEO has no code for a video call).
    In person, the host/guest roles give the direction: actor 1 a guest, or
    actor 2 the host, makes a visit (042); actor 1 the host hosts one (043); two
    guests meet at a third location (044). A ``reception`` or ``visit`` keeps its
    kind as its mode; another in-person kind with a direction is a ``visit``.
    A meeting or talks with a named place but no host or guest on either side is
    ``third-location`` (044): the extractor ties the place to neither side's
    ground. Anything else is 040 with no mode.
    """
    if kind == "phone_call":
        return "phone", "041"
    if kind == "video_call":
        return "video", "040"
    if role1 == "guest" and role2 == "guest":
        cameo: str | None = "044"
    elif role1 == "guest" or (role1 is None and role2 == "host"):
        cameo = "042"
    elif role1 == "host":
        cameo = "043"
    else:
        cameo = None
    if kind in ("visit", "reception"):
        return kind, cameo or "040"
    if cameo == "044":
        return "third-location", cameo
    if cameo is not None:
        return "visit", cameo
    if kind in ("meeting", "talks") and location and role1 is None and role2 is None:
        return "third-location", "044"
    return None, "040"


@dataclass(frozen=True, slots=True)
class _Side:
    person_id: int
    name: str
    name_key: str
    title: str | None
    country: str | None
    organisation: str | None
    role: str | None

    @property
    def side(self) -> str | None:
        """What the participant represented: ``country:XX``, ``org:NAME`` or None."""
        if self.country:
            return f"country:{self.country.upper()}"
        if self.organisation:
            return f"org:{self.organisation.strip().casefold()}"
        return None


def event_id(url: str, date: str, kind: str, one: _Side, two: _Side, occurrence: int) -> str:
    """The stable id of an event: a hash of its facts (and its occurrence among equal ones)."""
    facts = "\x1f".join([url, date, kind, one.side or "", one.name_key, two.side or "",
                         two.name_key] + ([str(occurrence)] if occurrence else []))
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()[:20]


def events_select(filters: ExportFilters) -> AnySelect:
    """Participants with their meeting and release, by release, meeting and participant."""
    query: AnySelect = (
        select(
            Meeting.id, Meeting.document_id, Meeting.date, Meeting.kind, Meeting.location,
            Meeting.extractor_version, Document.url, Source.key, Source.country,
            Participant.person_id, Person.name, Person.name_key, Participant.title,
            Participant.country, Participant.organisation, Participant.role,
        )
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Person, Person.id == Participant.person_id)
        .join(Document, Document.id == Meeting.document_id)
        .join(Source, Source.id == Document.source_id)
        .order_by(Meeting.document_id, Meeting.ordinal, Meeting.id, Participant.ordinal)
    )
    if filters.since:
        query = query.where(Meeting.date >= filters.since)
    if filters.until:
        query = query.where(Meeting.date <= filters.until)
    if filters.source:
        query = query.where(Source.key == filters.source)
    return query


def _meeting_events(head: Sequence[Any], sides: list[_Side], seen: dict[str, int],
                    filters: ExportFilters) -> Iterator[tuple[Any, ...]]:
    (meeting_id, document_id, date, kind, location, version, url, source, source_country) = head
    day = date.isoformat() if date is not None else ""
    country = filters.country.upper() if filters.country else None
    person = filters.person.casefold() if filters.person else None
    for one in sides:
        for two in sides:
            if one is two or one.side is None or two.side is None or one.side == two.side:
                continue
            if country and country not in ((one.country or "").upper(),
                                            (two.country or "").upper()):
                continue
            if person and person not in one.name.casefold() and person not in two.name.casefold():
                continue
            base = event_id(url, day, kind, one, two, 0)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            mode, cameo = classify(kind, one.role, two.role, location)
            yield (
                event_id(url, day, kind, one, two, occurrence) if occurrence else base,
                date, source, iso3(source_country),
                iso3(one.country), None if one.country else one.organisation, one.name,
                one.person_id, one.title, one.role,
                iso3(two.country), None if two.country else two.organisation, two.name,
                two.person_id, two.title, two.role,
                PLOVER_CATEGORY, mode, cameo, kind, location, meeting_id, document_id, url,
                version,
            )


def event_rows(conn: Connection, filters: ExportFilters) -> Generator[tuple[Any, ...]]:
    """The events of the archive ``conn`` reads, in a stable order."""
    result = conn.execution_options(yield_per=BATCH).execute(events_select(filters))
    try:
        head: Sequence[Any] | None = None
        sides: list[_Side] = []
        seen: dict[str, int] = {}  # event ids of the current release, for equal facts
        document: Any = None
        for row in result:
            if head is None or row[0] != head[0]:
                if head is not None:
                    yield from _meeting_events(head, sides, seen, filters)
                if row[1] != document:
                    document, seen = row[1], {}
                head, sides = tuple(row[:9]), []
            sides.append(_Side(*row[9:]))
        if head is not None:
            yield from _meeting_events(head, sides, seen, filters)
    finally:
        result.close()


def arrow_schema() -> pa.Schema:
    from db.parquet import schema

    return schema([(name, kind) for name, kind, _ in COLUMNS],
                  {name: meaning for name, _, meaning in COLUMNS},
                  {"mfa_archive.export": "events"})


def export_events(engine: Engine, filters: ExportFilters, *, fmt: str, path: str | None,
                  bom: bool = False) -> int:
    """Write the events as ``fmt`` (csv, jsonl, json, parquet) to ``path`` (or stdout)."""
    with snapshot(engine) as conn, contextlib.closing(event_rows(conn, filters)) as rows:
        if fmt == "parquet":
            from db.batches import batched
            from db.parquet import write_parquet

            if path is None or path == "-":
                raise ValueError("a Parquet export needs a file (-o FILE.parquet)")
            return write_parquet(Path(path), arrow_schema(), batched(rows, BATCH))
        out: IO[str]
        with atomic_output(path, bom=bom) as out:
            return write_rows(COLUMN_NAMES, rows, out, fmt)
