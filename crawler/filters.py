"""Checking the values of filter options before a query runs.

A filter that names nothing the archive can hold (``--source zz``, ``--country
Belarus``) would give an empty result that looks like "no data": it is an error.
"""

from __future__ import annotations

from crawler.exceptions import BadFilterError


def check_source(key: str | None) -> str | None:
    """``key`` if a source has it; else :class:`BadFilterError` naming the known keys."""
    if key is None:
        return None
    from crawler.registry import get_source

    return get_source(key).key


def check_country(value: str | None, option: str = "--country") -> str | None:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code, or :class:`BadFilterError`."""
    if value is None:
        return None
    from crawler.records.countries import country_code, country_codes

    code = value.strip().upper()
    if code in country_codes():
        return code
    hint = country_code(value.strip()) or country_code(value.strip().title())
    suggestion = f" ({value.strip()} is {hint})" if hint else ""
    raise BadFilterError(
        f"{option}: {value!r} is not an ISO 3166-1 alpha-2 country code{suggestion}")
