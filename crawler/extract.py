"""Main-text extraction with trafilatura: pure functions over HTML, no Scrapy, no database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Extractor, use_config

# What decides a document's text, title, date and language: trafilatura's version
# and our own rules (this module, crawler/release.py's choices, the sources' release
# page objects). Bump TEXT_RULES when a change there alters what a stored page
# yields: `reextract` re-runs the text stage only for documents extracted under
# another version (tests/test_text_version.py notices a forgotten bump).
TEXT_RULES = "text-2"
TEXT_EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+{TEXT_RULES}"

# Fixed options: no global dedup cache (its output would depend on what was
# extracted before), bounded tree size (a page of 10^6 elements is refused),
# metadata on.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", "200000")
_OPTIONS = Extractor(
    config=_CONFIG,
    fast=True,  # no readability/justext fallback comparison: the page objects are the fallback
    output_format="python",
    with_metadata=True,
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


def extract_text(html: str, url: str | None = None) -> ExtractedText | None:
    """Extract the main text and metadata of a page; ``None`` when there is no main text."""
    html = sanitise(html)
    if not html.strip():
        return None
    try:
        doc = trafilatura.bare_extraction(html, url=url, options=_OPTIONS)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        return None
    return ExtractedText(
        title=_clean_line(doc.title),
        date=_parse_iso_date(doc.date),
        language=html_language(html) or _clean_line(doc.language),
        text=_BLANK_LINES.sub("\n\n", sanitise(doc.text or "")).strip(),
    )


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
