"""Russia: Ministry of Foreign Affairs (mid.ru), English news and spokesman's material."""

from __future__ import annotations

from typing import ClassVar

from crawler.pages.ru import RuListingPage, RuReleasePage
from crawler.spiders.base import PressReleaseSpider


class RuSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the Russian Federation,
    https://mid.ru/en/foreign_policy/news/ and the spokesman's and minister's sections.

    Caveats: robots.txt says ``Disallow: /*?PAGEN``, so the Bitrix pager
    (``?PAGEN_1=N``) is never followed: each run reads the first page of every
    English section in ``sections`` (news, briefings, official statements,
    comments, answers to questions, the minister's speeches), which reaches the
    newest releases only; older ones need another route (RC used the Wayback
    CDX). ``deputy_ministers_speeches`` exists in Russian only. Items are
    ``a.announce__link.announce__link_fix_en`` with relative hrefs to
    ``/en/<section>/<numeric id>/``; the site answers with and without ``www``:
    documents are keyed under ``https://mid.ru/...``. Dates are ``20.08.2026``
    or ``30 September 2026``; the listing's date element ``div.announce__date``
    is [inf], unverified. The site sits behind an F5/Shape TSPD wall: a
    challenge page (``TSPD_101_DID``, ``bobcmn``) is recorded as blocked, and
    non-browser clients may get a TCP reset [note, 2026-04-24].
    """

    name = "ru"
    country = "RU"
    ministry = "Ministry of Foreign Affairs of the Russian Federation"
    evidence_date = "2026-09"  # the September 2026 survey
    allowed_domains = ["mid.ru"]
    listing_url = "https://mid.ru/en/foreign_policy/news/"
    sections: ClassVar[tuple[str, ...]] = (
        listing_url,
        "https://mid.ru/en/press_service/spokesman/briefings/",
        "https://mid.ru/en/press_service/spokesman/official_statement/",
        "https://mid.ru/en/press_service/spokesman/comments/",
        "https://mid.ru/en/press_service/spokesman/answers/",
        "https://mid.ru/en/press_service/minister_speeches/",
    )
    canonical_host = "mid.ru"
    listing_page = RuListingPage
    release_page = RuReleasePage
