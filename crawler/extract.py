"""Main-text extraction with trafilatura: pure functions over HTML, no Scrapy, no database."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.settings import Extractor, use_config
from trafilatura.utils import load_html

logger = logging.getLogger(__name__)

# What decides a document's text, title, date and language: trafilatura's version
# and our own rules (this module, crawler/release.py's choices, the sources' release
# page objects). Bump TEXT_RULES when a change there alters what a stored page
# yields: `reextract` re-runs the text stage only for documents extracted under
# another version (tests/test_text_version.py notices a forgotten bump).
TEXT_RULES = "text-2"
TEXT_EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+{TEXT_RULES}"

# Fixed options: no global dedup cache (its output would depend on what was
# extracted before), bounded tree size (a page of 10^6 elements is refused).
# Of the metadata only the title and the date are used; trafilatura's full
# metadata (author, site name, categories, tags, licence) took ~45% of its time,
# so :func:`_title_and_date` runs just its title and date steps, in its order.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", "200000")
_OPTIONS = Extractor(
    config=_CONFIG,
    fast=True,  # no readability/justext fallback comparison: the page objects are the fallback
    output_format="python",
    with_metadata=False,  # the title and date come from _title_and_date
    comments=False,
    tables=True,
    dedup=False,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LANG = re.compile(r"^[a-z]{2,3}\b", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedText:
    title: str | None
    date: dt.date | None
    language: str | None
    text: str


def sanitise(text: str) -> str:
    """Drop NUL and other C0 controls and lone surrogates (PostgreSQL text cannot hold them)."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def html_language(html: str) -> str | None:
    """The language declared by ``<html lang>`` or ``og:locale``, as a 2-3 letter code."""
    match = re.search(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z-]+)", html[:4000], re.IGNORECASE)
    if not match:
        match = re.search(r"og:locale[\"']\s+content=[\"']([A-Za-z_-]+)", html[:20000], re.IGNORECASE)
    if match and (code := _LANG.match(match.group(1))):
        return code.group(0).lower()
    return None


def extract_text(html: str) -> ExtractedText | None:
    """Extract the main text and metadata of a page; ``None`` when there is no main text."""
    html = sanitise(html)
    if not html.strip():
        return None
    try:
        tree = load_html(html, _OPTIONS.max_file_size)
        if tree is None:
            return None
        title, date = _title_and_date(tree)
        doc = trafilatura.bare_extraction(tree, options=_OPTIONS)  # works on a copy
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        return None
    return ExtractedText(
        title=_clean_line(title),
        date=_parse_iso_date(date),
        language=html_language(html) or _clean_line(doc.language),
        text=_BLANK_LINES.sub("\n\n", sanitise(doc.text or "")).strip(),
    )


def _title_and_date(tree: lxml_html.HtmlElement) -> tuple[str | None, str | None]:
    """The title and date trafilatura's ``extract_metadata`` gives, by the same steps."""
    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # as trafilatura does: a bug on odd JSON-LD loses only that
        logger.debug("JSON-LD metadata unreadable", exc_info=True)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, None)
    metadata.clean_and_trim()
    params = {**_OPTIONS.date_params, "url": metadata.url}
    return metadata.title, find_date(tree, **params)


def _clean_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(sanitise(value).split())
    return value or None


def _parse_iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
