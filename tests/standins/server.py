"""Stand-ins of mofa.go.jp and en.mofa.gov.tw, written apart from the project's mirrors.

Built from the same evidence (the site survey's §14 and §23) but with their own
releases, routing and markup wherever the evidence leaves a choice: the test that
crawls them (``tests/test_standins.py``) shows that the declarations hold for a site
that is not the one they were tried on. ``python -m tests.standins.server [KEY...]``
prints ``KEY URL`` lines, then ``ready``, as ``python -m crawler.mirror`` does.

jp: ``index.html`` lists the newest releases whatever their month (across the year
boundary); each monthly archive marks its list up another way §14 allows (``dt.list-title``
with inline markup, one ``dl`` per day, links without ``ul``, links absolute, root-relative,
relative or ``./``, ``http://`` or ``https://``, absolute on the stand-in's own host), with PDF, Japanese-page and photo links beside the releases; a month
without releases answers 404, except one that answers an empty page.

tw: ``News.aspx`` reads its query parameters in any order, ``sms`` optional, ``PageSize``
ignored (four rows a page), past the last page an empty table (Press Releases) or the last
page again (Statements and Responses, as a clamping pager does); rows link a release in five
forms (``sms`` or not, parameters reordered, absolute on the real host or the stand-in's own,
an extra ``Create=1``), the date cell
after the title cell; a release page answers whatever ``sms`` and other parameters say and
carries attachments and a page footer after the editor block, inside ``div.essay``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2

from crawler.mirror.server import serve_sites, serve_until_signal
from crawler.mirror.sites.base import MirrorRequest, MirrorResponse, MirrorSite

HERE = Path(__file__).resolve().parent


def load(key: str) -> list[dict[str, Any]]:
    """The stand-in's releases (``tests/standins/<key>/releases.jsonl``), newest first."""
    lines = (HERE / key / "releases.jsonl").read_text("utf-8").splitlines()
    found = [json.loads(line) for line in lines if line.strip()]
    for line in found:
        line["day"] = dt.date.fromisoformat(line["published"])
    return sorted(found, key=lambda r: r["day"], reverse=True)


class _Standin(MirrorSite):
    def __init__(self) -> None:
        self.items = load(self.key)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / self.key)),
                                      autoescape=True)

    def page(self, name: str, **context: Any) -> MirrorResponse:
        return MirrorResponse.html(self.env.get_template(name).render(**context))


def _by_day(items: list[dict[str, Any]]) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    return [(day, list(group)) for day, group in itertools.groupby(items, key=lambda r: r["day"])]


class JpStandin(_Standin):
    key = "jp"
    newest_on_index = 6
    variants = ("spans", "split", "dotted")  # by month, newest first
    empty_month = "202409"

    def months(self) -> list[str]:
        return sorted({r["day"].strftime("%Y%m") for r in self.items}, reverse=True)

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path
        archive = [dt.date(int(m[:4]), int(m[4:]), 1) for m in self.months()]
        if path == "/press/release/index.html":
            shown = self.items[:self.newest_on_index]
            return self.page("month.html", variant="index", days=_by_day(shown), month=None,
                             archive=archive)
        if path.startswith("/press/release/") and path.endswith("_index.html"):
            yyyymm = path.rsplit("/", 1)[1][:-len("_index.html")]
            if yyyymm == self.empty_month:
                return self.page("month.html", variant="empty", days=[], archive=archive,
                                 month=dt.date(int(yyyymm[:4]), int(yyyymm[4:]), 1))
            if yyyymm not in self.months():
                return MirrorResponse.not_found()
            index = self.months().index(yyyymm)
            shown = [r for r in self.items if r["day"].strftime("%Y%m") == yyyymm]
            return self.page("month.html", variant=self.variants[index % len(self.variants)],
                             days=_by_day(shown), archive=archive,
                             host=request.headers.get("host", "127.0.0.1"),
                             month=dt.date(int(yyyymm[:4]), int(yyyymm[4:]), 1))
        for release in self.items:
            if path == f"/press/release/{release['path']}.html":
                return self.page("release.html", r=release)
        return MirrorResponse.not_found()


class TwStandin(_Standin):
    key = "tw"
    rows_per_page = 4  # whatever PageSize asks
    sms = {"1329": "272", "1330": "274"}
    headings = {"1329": "Press Releases", "1330": "Statements and Responses"}
    clamped = {"1330"}  # this section answers a page past its last with the last page

    def section(self, n: str) -> list[dict[str, Any]]:
        return [r for r in self.items if r["n"] == n or n in (r.get("also_in") or [])]

    def href(self, release: dict[str, Any], listed_in: str, row: int, host: str) -> str:
        n, s, sms = release["n"], release["s"], self.sms[listed_in]
        forms = (f"News_Content.aspx?n={n}&sms={sms}&s={s}",
                 f"News_Content.aspx?s={s}&n={n}",
                 f"https://en.mofa.gov.tw/News_Content.aspx?sms={sms}&s={s}&n={n}",
                 f"News_Content.aspx?n={n}&s={s}&sms={sms}&Create=1",
                 f"http://{host}/News_Content.aspx?n={n}&s={s}")
        return forms[row % len(forms)]

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        query = request.query
        if request.path == "/News.aspx" and query.get("n") in self.sms:
            n = query["n"]
            try:
                page = int(query.get("page", "1"))
            except ValueError:
                return MirrorResponse.not_found()
            listed = self.section(n)
            host = request.headers.get("host", "127.0.0.1")
            size = self.rows_per_page
            count = max(1, -(-len(listed) // size))
            if n in self.clamped:
                page = min(page, count)  # past the last page: the last page again
            start = (page - 1) * size
            rows = [{"number": start + i + 1, "href": self.href(r, n, start + i, host),
                     "title": r["title"], "date": r["published"],
                     "file": r["s"] if (start + i) % 3 == 0 else None}
                    for i, r in enumerate(listed[start:start + size] if page >= 1 else [])]
            return self.page("news.html", heading=self.headings[n], rows=rows,
                             total=len(listed), per_page=size, pages=range(1, count + 1),
                             query=urlencode(query), section_query=f"n={n}&sms={self.sms[n]}")
        if request.path == "/News_Content.aspx":
            for release in self.items:
                if (query.get("n"), query.get("s")) == (release["n"], release["s"]):
                    return self.page("content.html", r=release)
        return MirrorResponse.not_found()


STANDINS: dict[str, type[_Standin]] = {"jp": JpStandin, "tw": TwStandin}


def main(argv: Sequence[str] | None = None) -> int:
    keys = list(argv if argv is not None else sys.argv[1:]) or sorted(STANDINS)
    serve_until_signal(serve_sites({key: STANDINS[key]() for key in keys}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
