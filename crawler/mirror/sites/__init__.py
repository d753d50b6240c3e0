"""One mirror module per source, named by its key; ``SITES`` maps keys to classes."""

from __future__ import annotations

from crawler.mirror.sites.az import AzMirror
from crawler.mirror.sites.base import MirrorSite

SITES: dict[str, type[MirrorSite]] = {
    AzMirror.key: AzMirror,
}
