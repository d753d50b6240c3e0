"""Recognising bot walls: challenge and "access denied" pages that are not content."""

from __future__ import annotations

# Markers seen on the bot walls of ministry sites (the same products guard several sites).
WALL_MARKERS: tuple[tuple[str, str], ...] = (
    ("/TSPD/", "F5 TSPD challenge"),
    ("TSPD_101_DID", "F5 TSPD challenge"),
    ("bobcmn", "F5 TSPD challenge"),
    ("Please enable JavaScript", "JavaScript challenge"),
    ("Access denied", "access denied page"),
    ("Technical Difficulties", "'Technical Difficulties' wall"),
    ("cf-chl-", "Cloudflare challenge"),
    ("Just a moment...", "Cloudflare challenge"),
)
_HEAD = 20_000  # walls are small pages; markers sit near the top


def detect_wall(status: int, url: str, text: str) -> str | None:
    """The kind of bot wall ``text`` is, or ``None`` for an ordinary page.

    A long page that merely mentions a marker in its prose is not a wall: the
    markers are looked for in the first 20,000 characters of pages shorter
    than 60,000 characters, and in the URL (e.g. a redirect to ``/error.htm``).
    """
    if url.rstrip("/").endswith("/error.htm"):
        return "redirected to an error page"
    if len(text) > 60_000:
        return None
    head = text[:_HEAD]
    for marker, kind in WALL_MARKERS:
        if marker in head:
            return kind
    if status in (401, 403, 429) and "<article" not in head:
        return f"HTTP {status} wall"
    return None
