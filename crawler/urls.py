"""Canonical URLs: one release, one key, whatever tracking or spelling a link used."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "_ga")


def canonical_url(url: str, *, host: str | None = None, https: bool = True) -> str:
    """Canonical form of ``url``.

    Lower-case host, no fragment, no tracking parameters (``utm_*``, ``fbclid``...),
    ``https``, and ``host`` substituted when the site answers under several names
    (``www.mfa.gov.az`` and ``mfa.gov.az``). The path and the order of the other
    parameters are kept: they can be significant (``?dtl/123/slug``).
    """
    parts = urlsplit(url.strip())
    netloc = (host or parts.netloc).lower()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES)]
    raw_query = parts.query if len(query) == len(parse_qsl(parts.query, keep_blank_values=True)) \
        else urlencode(query)
    scheme = "https" if https else parts.scheme.lower()
    return urlunsplit((scheme, netloc, parts.path or "/", raw_query, ""))
