"""Where the archive lives: ``--db``, else ``$MFA_ARCHIVE_DB``, else ``sqlite:///archive.sqlite``."""

from __future__ import annotations

import os

DEFAULT_URL = "sqlite:///archive.sqlite"
ENV_VAR = "MFA_ARCHIVE_DB"


def database_url(explicit: str | None = None) -> str:
    """Return the database URL to use, in order of precedence."""
    if explicit:
        return explicit
    return os.getenv(ENV_VAR) or DEFAULT_URL


def redact(url: str) -> str:
    """Hide a password in a database URL, for messages and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"
