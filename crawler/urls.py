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


def with_query_param(url: str, name: str, value: str, *, safe: str = "") -> str:
    """``url`` with query parameter ``name`` set to ``value`` (in place, else appended).

    ``safe``: characters the new query keeps unescaped (as :func:`urllib.parse.urlencode`).
    """
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == name for k, _ in pairs):
        pairs = [(k, value if k == name else v) for k, v in pairs]
    else:
        pairs.append((name, value))
    query = urlencode(pairs, safe=safe)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
