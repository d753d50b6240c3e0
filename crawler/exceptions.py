"""Errors that reach the user as one clear line."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of mfa-archive's user-facing errors."""


class SpiderArgumentError(ArchiveError):
    """A spider argument or source option has a bad value."""


class UnknownSourceError(ArchiveError):
    """No source has that key."""


class BadFilterError(ArchiveError):
    """A filter option (--country, --source) names nothing the archive can hold."""


class DeclarationError(ArchiveError):
    """A source declaration (a ``<key>.toml`` file) that cannot be used, with file and field."""
