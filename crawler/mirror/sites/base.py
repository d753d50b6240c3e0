"""What every mirror shares: release data, responses, routing helpers."""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True, kw_only=True)
class MirrorRelease:
    """A release of the mirror, as written in ``data/<key>.jsonl``."""

    slug: str
    title: str
    published: dt.date
    category: str
    paragraphs: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MirrorRelease:
        known = {"slug", "title", "published", "category", "paragraphs", "labels"}
        return cls(
            slug=data["slug"],
            title=data["title"],
            published=dt.date.fromisoformat(data["published"]),
            category=data.get("category", "News"),
            paragraphs=tuple(data["paragraphs"]),
            extra={k: v for k, v in data.items() if k not in known},
        )


@dataclass(slots=True)
class MirrorResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def html(cls, text: str, *, status: int = 200, encoding: str = "utf-8",
             declare: bool = True) -> MirrorResponse:
        content_type = f"text/html; charset={encoding}" if declare else "text/html"
        return cls(status, text.encode(encoding, errors="xmlcharrefreplace"),
                   {"Content-Type": content_type})

    @classmethod
    def text(cls, text: str, *, status: int = 200, content_type: str = "text/plain") -> MirrorResponse:
        return cls(status, text.encode("utf-8"), {"Content-Type": f"{content_type}; charset=utf-8"})

    @classmethod
    def json(cls, data: Any) -> MirrorResponse:
        return cls(200, json.dumps(data).encode("utf-8"),
                   {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def not_found(cls) -> MirrorResponse:
        return cls.html("<html><body><h1>404 Not Found</h1></body></html>", status=404)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> MirrorResponse:
        return cls(status, b"", {"Location": location})


@dataclass(frozen=True, slots=True)
class MirrorRequest:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


class MirrorSite:
    """A mirror of one ministry's site. Subclasses set ``key`` and implement :meth:`handle`."""

    key: ClassVar[str]
    robots_txt: ClassVar[str] = "User-agent: *\nDisallow:\n"
    # Releases whose page is a bot wall on this mirror (the crawl must record them
    # as blocked, never store them); listed by slug.
    walled: ClassVar[frozenset[str]] = frozenset()

    @cached_property
    def releases(self) -> list[MirrorRelease]:
        """The source's releases, newest first."""
        text = resources.files("crawler.mirror").joinpath(f"data/{self.key}.jsonl").read_text(
            encoding="utf-8"
        )
        found = [MirrorRelease.from_json(json.loads(line)) for line in text.splitlines() if line]
        return sorted(found, key=lambda r: (r.published, r.slug), reverse=True)

    def by_slug(self, slug: str) -> MirrorRelease | None:
        return next((r for r in self.releases if r.slug == slug), None)

    def page_of(self, page: int, per_page: int) -> list[MirrorRelease]:
        start = page * per_page
        return self.releases[start:start + per_page] if page >= 0 else []

    def serve(self, request: MirrorRequest) -> MirrorResponse:
        if request.path == "/robots.txt":
            return MirrorResponse.text(self.robots_txt)
        return self.handle(request)

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        raise NotImplementedError

    def article_url(self, release: MirrorRelease) -> str:
        """The real-site URL of a release (what the listing links to)."""
        raise NotImplementedError

    def archived_url(self, release: MirrorRelease) -> str:
        """The canonical URL the archive must store the release under."""
        return self.article_url(release)

    def expected_urls(self) -> set[str]:
        """Every URL a full crawl of this mirror must archive, exactly once."""
        return {self.archived_url(r) for r in self.releases if r.slug not in self.walled}


def esc(text: str) -> str:
    return html.escape(text, quote=True)
