"""From a fetched page to an archivable release: text, metadata and records.

Pure and picklable, so it runs in a worker process: no Scrapy objects cross into
it and no database is touched. The source's page object (a class, pickled by
name) is parsed here too, so the crawl's reactor thread only downloads.

trafilatura and the records extractor are imported on first use: the crawl
process imports this module for :class:`FetchedPage` and never extracts, so it
does not pay their import (~0.4 CPU-s) and memory; the workers' forkserver imports
them (:data:`EXTRACTION_MODULES`) once for all its workers.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.release import ReleaseRecord

if TYPE_CHECKING:
    from crawler.pages.base import ReleasePage
    from crawler.records import Records
    from crawler.registry import Source

# A body selector's text is preferred over trafilatura's when trafilatura
# returned clearly less (it dropped paragraphs it took for boilerplate).
_FALLBACK_RATIO = 0.6


class NoContentError(ValueError):
    """The page holds no release text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingHints:
    """What a listing said of a release: the fallbacks for a page without title or date.

    A crawl takes them from the listing page; ``reextract`` from the frontier,
    which kept them (``frontier.listing_title``/``listing_date``); never from
    what an earlier extraction stored.
    """

    title: str | None = None
    date: dt.date | None = None


NO_HINTS = ListingHints()


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedPage:
    """What the crawler knows about a release page; all fields picklable.

    Build it with :meth:`of_source`, as a crawl, ``reextract`` and ``extract`` do,
    so that the same bytes give the same release whichever of them reads them.
    """

    url: str
    body: bytes
    encoding: str | None
    status: int
    fetched_at: dt.datetime
    etag: str | None = None
    last_modified: str | None = None
    listing_title: str | None = None
    listing_date: dt.date | None = None
    release_page: type[ReleasePage] | None = None  # the source's page object: title, date, body
    language_hint: str | None = None
    country: str | None = None

    @classmethod
    def of_source(
        cls,
        source: Source | None,
        *,
        url: str,
        body: bytes,
        encoding: str | None,
        hints: ListingHints = NO_HINTS,
        country: str | None = None,
        status: int = 200,
        fetched_at: dt.datetime | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchedPage:
        """The page at ``url`` (its ``body`` and ``encoding``) as a release of ``source``.

        The source gives the page object, the country and the language to assume
        when the page declares none; ``hints`` what its listing said. ``country``
        overrides the source's (or stands in for an unknown source).
        """
        return cls(
            url=url, body=body, encoding=encoding, status=status,
            fetched_at=fetched_at or dt.datetime.now(dt.UTC), etag=etag,
            last_modified=last_modified, listing_title=hints.title, listing_date=hints.date,
            release_page=source.release_page if source else None,
            language_hint=source.language if source else None,
            country=country or (source.country if source else None),
        )


# What a worker imports to extract: text (trafilatura) and records. Neither imports
# Scrapy, Twisted or the ORM (tests/test_page_response.py), so a forkserver can preload
# them for its workers without growing by the crawl's own modules.
EXTRACTION_MODULES = ("crawler.extract", "crawler.records")


def warm_up(modules: tuple[str, ...] = ()) -> None:
    """Import the extraction modules (and ``modules``, e.g. a source's page objects) now.

    A crawl sends one call to each worker as the spider opens, so the workers
    import while the crawl process opens the archive and fetches the first
    listing page, rather than when the first release arrives.
    """
    import importlib

    for name in (*EXTRACTION_MODULES, *modules):
        importlib.import_module(name)


def decode(body: bytes, encoding: str | None) -> str:
    """Decode a page body; undecodable bytes become U+FFFD, never an exception."""
    try:
        return body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _other_year(one: dt.date, other: dt.date) -> bool:
    """The same day and month in another year."""
    return (one.month, one.day) == (other.month, other.day) and one.year != other.year


def records_for(text: str, *, title: str | None, published: dt.date | None,
                language: str | None, country: str | None) -> Records:
    """The Meetings and Statements of a release's text (English only; others get none)."""
    from crawler.records import Records, extract_records

    if language in (None, "en"):
        return extract_records(text, title=title, published=published, country=country)
    return Records(meetings=(), statements=())


def build_release(page: FetchedPage) -> ReleaseRecord:
    """Extract text, title, date, language and records from ``page``.

    trafilatura gives text, title, date and language; the page's own selectors
    and the listing are the fallbacks (title, date) or the replacement when
    trafilatura's text is missing or much shorter than the body selector's (or
    whenever the selector matched, for a page object with ``body_preferred``:
    a declared source's body and drop list are its definition of the text; its
    listing title, with ``listing_title_preferred``, outranks trafilatura's).

    Raises :class:`NoContentError` when neither yields any text.
    """
    from crawler.extract import TEXT_EXTRACTOR_VERSION, extract_text, sanitise
    from crawler.records import EXTRACTOR_VERSION

    page_title: str | None = None
    page_date: dt.date | None = None
    page_body: str | None = None
    prefer_page_body = prefer_listing_title = False
    stated_language: str | None = None
    if page.release_page is not None:
        stated_language = page.release_page.language
        prefer_page_body = page.release_page.body_preferred
        prefer_listing_title = page.release_page.listing_title_preferred
        fields = page.release_page.parse(page.url, page.body, page.encoding)
        page_title, page_date, page_body = fields.title, fields.date, fields.body
    html = decode(page.body, page.encoding)
    extracted = extract_text(html)
    text = extracted.text if extracted else ""
    fallback = sanitise(page_body or "").strip()
    if fallback and (prefer_page_body or len(text) < _FALLBACK_RATIO * len(fallback)):
        text = fallback
    if not text.strip():
        raise NoContentError("no release text on the page")
    found_title = extracted.title if extracted else None
    if prefer_listing_title:
        title = page_title or page.listing_title or found_title
    else:
        title = page_title or found_title or page.listing_title
    published = page_date
    if published is None:
        published = extracted.date if extracted else None
        if page.listing_date and published and abs((published - page.listing_date).days) > 2 \
                and not _other_year(published, page.listing_date):
            # trafilatura's date far from the listing's is the date of something
            # else on the page (a related story, a site clock); the same day of
            # another year is a listing date whose year was not printed.
            published = page.listing_date
        published = published or page.listing_date
    language = stated_language or (extracted.language if extracted else None) \
        or page.language_hint
    records = records_for(text, title=title, published=published, language=language,
                          country=page.country)
    return ReleaseRecord(
        url=page.url,
        title=title,
        published=published,
        language=language,
        text=text,
        raw_html=gzip.compress(page.body, mtime=0),
        raw_hash=hashlib.sha256(page.body).hexdigest(),
        encoding=page.encoding,
        http_status=page.status,
        fetched_at=page.fetched_at,
        etag=page.etag,
        last_modified=page.last_modified,
        text_extractor=TEXT_EXTRACTOR_VERSION,
        records=records,
        records_extractor=EXTRACTOR_VERSION,
    )
