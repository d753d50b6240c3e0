"""One mirror module per source, named by its key; ``SITES`` maps keys to classes.

Modules are discovered: adding a source's mirror adds a module here, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

from crawler.mirror.sites.base import MirrorSite


def _discover() -> dict[str, type[MirrorSite]]:
    found: dict[str, type[MirrorSite]] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for value in vars(loaded).values():
            if (isinstance(value, type) and issubclass(value, MirrorSite)
                    and value is not MirrorSite and getattr(value, "key", None) == module.name):
                found[module.name] = value
    return dict(sorted(found.items()))


SITES: dict[str, type[MirrorSite]] = _discover()
