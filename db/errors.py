"""Errors the storage layer reports to its callers as one clear line."""

from __future__ import annotations


class ArchiveDatabaseError(Exception):
    """The archive database cannot be used (bad URL, unreachable, wrong schema)."""
