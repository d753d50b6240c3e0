"""A declared source's canonical URL rule: one release, one URL, whatever link form reached it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from crawler.declared.schema import Canonical
from crawler.urls import canonical_url


def declared_canonical(url: str, rule: Canonical) -> str:
    """``url`` as archived under ``rule``.

    https, the declared host, no fragment, no tracking parameters; the path rewritten
    by ``path_rewrite`` and percent-encoded as a request would send it; only the
    ``keep_query`` parameters, in the declared order, when the rule names them (so
    ``?n=1329&sms=272&s=9`` and ``?s=9&n=1329`` are one URL under ``["n", "s"]``).
    """
    base = canonical_url(safe_url_string(url.strip()), host=rule.host)
    parts = urlsplit(base)
    path = parts.path
    for pattern, replacement in rule.path_rewrite:
        path = re.sub(pattern, replacement, path)
    query = parts.query
    if rule.keep_query is not None:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        kept = [(k, v) for name in rule.keep_query for k, v in pairs if k == name]
        query = urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, path or "/", query, ""))
