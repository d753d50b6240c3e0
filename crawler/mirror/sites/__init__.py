"""One mirror module per coded source, named by its key; ``SITES`` maps keys to classes.

Modules are discovered: adding a source's mirror adds a module here, nothing else.
A declared source (``crawler/sources/<key>.toml`` with templates in
``crawler/mirror/templates/<key>/``) is served by the generic
:class:`~crawler.mirror.declared.DeclaredMirror` unless a module here names the key.
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


_SITES: dict[str, type[MirrorSite]] = {}


def __getattr__(name: str) -> dict[str, type[MirrorSite]]:
    # ``SITES`` is built on first use: the declared mirrors import this package's base.
    if name != "SITES":
        raise AttributeError(name)
    if not _SITES:
        from crawler.mirror.declared import declared_sites

        _SITES.update(sorted({**declared_sites(), **_discover()}.items()))
    return _SITES
