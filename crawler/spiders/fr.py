"""France: Ministry for Europe and Foreign Affairs, English news."""

from __future__ import annotations

from crawler.pages.fr import FrListingPage, FrReleasePage
from crawler.spiders.base import PressReleaseSpider


class FrSpider(PressReleaseSpider):
    """Source: Ministry for Europe and Foreign Affairs, https://www.diplomatie.gouv.fr/en/press/news.

    Caveats: Drupal with the DSFR theme (relaunched around 2025); the listing
    pages with ``?page=N`` counted **from 0** (page 0 has no parameter); cards
    ``article.fr-card`` link relative URLs with French slugs holding English
    text (``/en/presse-et-ressources/decouvrir-et-informer/actualites/<slug>``);
    dates ``May 13th 2026`` on cards and ``On : March 31st 2025`` on pages
    (ordinal stripped, ``%B %d %Y``). Paging stops at the last page the DSFR
    pager links [inf: pager markup undocumented], else on an empty page. The
    live index starts in 2025; older articles (``/en/country-files/…``) are
    only on the Wayback Machine. ``/en/rss/`` answers 404. No bot wall.
    """

    name = "fr"
    country = "FR"
    ministry = "Ministry for Europe and Foreign Affairs"
    evidence_date = "2026-05"  # a 2026 crawler, cards dated May 2026
    allowed_domains = ["diplomatie.gouv.fr"]
    listing_url = "https://www.diplomatie.gouv.fr/en/press/news"
    first_page = 0
    canonical_host = "www.diplomatie.gouv.fr"
    listing_page = FrListingPage
    release_page = FrReleasePage
    language = "en"
