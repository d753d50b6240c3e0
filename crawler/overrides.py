"""Checking ``-s NAME=VALUE`` settings before a crawl starts.

Scrapy reads a setting's value only when a component first needs it, deep in
the crawl (a bad ``DOWNLOAD_DELAY`` surfaced as a task exception and a failed
run). Here every value is read the way its default is typed, up front: a value
that cannot be read is a usage error (:class:`SettingValueError`), and a name
that is neither Scrapy's nor ours is reported, since nothing would read it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from scrapy.settings import Settings

from crawler.exceptions import ArchiveError


class SettingValueError(ArchiveError):
    """A ``-s`` value that the setting cannot take."""


_TRUE_FALSE = {"true", "false", "True", "False"}  # and whole numbers: what Settings.getbool reads


def _integer(value: str) -> None:
    int(value)


def _number(value: str) -> None:
    float(value)


def _boolean(value: str) -> None:
    if value not in _TRUE_FALSE:
        int(value)


def _log_level(value: str) -> None:
    if value.upper() not in logging.getLevelNamesMapping():
        raise ValueError


def _iso_date(value: str) -> None:
    dt.date.fromisoformat(value)


def _json_object(value: str) -> None:
    parsed = json.loads(value)
    if type(parsed) is not dict:
        raise ValueError


_WHAT: dict[Callable[[str], None], str] = {
    _integer: "a whole number", _number: "a number", _boolean: "True or False",
    _log_level: "a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)",
    _iso_date: "an ISO date", _json_object: "a JSON object",
}
# Our settings whose default (None) does not say their type.
_TYPED: dict[str, Callable[[str], None]] = {
    "LOG_LEVEL": _log_level,
    "ARCHIVE_EXTRACT_WORKERS": _integer,
    "ARCHIVE_SQLITE_BUSY_TIMEOUT": _number,
    "ARCHIVE_SINCE": _iso_date,
    "ARCHIVE_TODAY": _iso_date,
    # Whole-number defaults read as numbers (fractions of a second are fine).
    "DOWNLOAD_TIMEOUT": _number,
    "ARCHIVE_RETRY_BACKOFF": _number,
    "ARCHIVE_RETRY_AFTER_MAX": _number,
    "ARCHIVE_RETRY_AFTER_DELAY": _number,
}


def _reader(name: str, default: Any) -> Callable[[str], None] | None:
    if name in _TYPED:
        return _TYPED[name]
    if isinstance(default, bool):
        return _boolean
    if isinstance(default, int):
        return _integer
    if isinstance(default, float):
        return _number
    if isinstance(default, dict):
        return _json_object
    return None


def unknown_settings(overrides: Mapping[str, str], settings: Settings) -> list[str]:
    """One warning per name that no setting of ``settings`` has (nothing would read it)."""
    return [f"-s {name}: neither a Scrapy nor an mfa-archive setting; nothing reads it"
            for name in overrides if name not in settings]


def check_values(overrides: Mapping[str, str], settings: Settings) -> None:
    """Raise :class:`SettingValueError` for the first value ``settings`` cannot read."""
    for name, value in overrides.items():
        reader = _reader(name, settings[name]) if name in settings else None
        if reader is None:
            continue
        try:
            reader(value.strip())
        except ValueError:
            raise SettingValueError(
                f"-s {name}={value}: {name} must be {_WHAT[reader]}") from None
