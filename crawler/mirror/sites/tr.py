"""Mirror of https://www.mfa.gov.tr press releases and statements.

Listing ``/sub.en.mfa?<GUID>``: an ASP.NET page whose one ``form#form1`` holds a
GridView ``sb$grd`` (ten rows a page). Page 1 is served to a GET; later pages only
to a POST back of the form with ``__EVENTTARGET=sb$grd``,
``__EVENTARGUMENT=Page$N`` and the hidden ``__VIEWSTATE``/``__EVENTVALIDATION``
the previous page carried. The mirror signs its view state and checks it: a
postback without a valid one gets ASP.NET's 500 "Validation of viewstate MAC
failed" page. Rows are ``div.sub_lstitm > a`` with single-quoted hrefs; page 1
starts with two folder rows (``/sub.en.mfa?<GUID>``). Titles carry the date
(``No: 187, 1 October 2026, ...``); articles are ``/<slug>.en.mfa`` with the
title in ``span.lead > strong`` and the body in ``span.mfa-content-text``, which
ends with a ``<script>``. ``rss.en.mfa`` is an info page, ``en.rss.mfa?<GUID>``
the RSS 2.0 feed. robots.txt has no rules.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_PAGE = 10
GUID = "248a41bb-6744-4d91-91f7-500bd7a2cac1"
_REAL = "https://www.mfa.gov.tr"
_SECRET = b"mirror-machine-key"
_FOLDERS = (
    ("18f39147-4c68-4352-ad7d-1535f1879b06", "Questions and Answers"),
    ("b5e241ce-5e51-4ef2-a6e6-f7453d560256", "Joint Declarations"),
)

_TOP = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{title}</title>
<link href="/site_media/css/mfa.css" rel="stylesheet" type="text/css" /></head>
<body>
<form method="post" action="./{action}" id="form1">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}" />
</div>
<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['form1'];
function __doPostBack(eventTarget, eventArgument) {{
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {{
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }}
}}
//]]>
</script>
<div class="aspNetHidden">
<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="C6A5E4B1" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{validation}" />
</div>
<div id="header"><a href="/default.en.mfa" class="logo">Republic of Türkiye Ministry of Foreign Affairs</a>
<ul class="lang"><li><a href="/sub.tr.mfa?{guid}">Türkçe</a></li><li><a href="/default.en.mfa">English</a></li>
<li><a href="/default.fr.mfa">Français</a></li></ul>
<div class="search"><input name="txtSearch" type="text" id="txtSearch" value="" />
<input type="submit" name="btnSearch" value="Search" id="btnSearch" /></div>
<ul id="menu"><li><a href="/sub.en.mfa?a3d56c54-5f5b-4e0b-8c80-5d8c2c34e1b3">Minister</a></li>
<li><a href="/sub.en.mfa?{guid}">Press Releases and Statements</a></li>
<li><a href="/sub.en.mfa?9b0a7da5-0e5b-4c7f-9e2f-5f5f6c2b1c2d">Policies</a></li>
<li><a href="/sub.en.mfa?cbe4ea61-0d14-47a1-8b8d-5c0b6b1d6c66">Consular Information</a></li></ul></div>
<div id="content">
"""
_BOTTOM = """</div>
<div id="footer"><p>Dr. Sadık Ahmet Cad. No: 8 Balgat / Ankara / Türkiye</p>
<p>© Republic of Türkiye Ministry of Foreign Affairs</p>
<a href="/rss.en.mfa">RSS</a></div>
</form>
</body></html>
"""
_MAC_ERROR = """<html><head><title>Validation of viewstate MAC failed.</title></head>
<body><h1>Server Error in '/' Application.</h1>
<h2><i>Validation of viewstate MAC failed.</i></h2></body></html>"""


def _sign(payload: str) -> str:
    mac = hmac.new(_SECRET, payload.encode(), hashlib.sha256).hexdigest()[:20]
    return base64.b64encode(f"{payload}|{mac}".encode()).decode()


def _verify(token: str) -> str | None:
    try:
        payload, _, mac = base64.b64decode(token, validate=True).decode().rpartition("|")
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if payload and hmac.compare_digest(_sign(payload), token) and mac else None


class TrMirror(MirrorSite):
    key: ClassVar[str] = "tr"
    robots_txt: ClassVar[str] = ""

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path
        raw_query = next(iter(request.query), "") if request.query else ""
        if path == "/sub.en.mfa" and raw_query == GUID:
            if request.method == "GET":
                return MirrorResponse.html(self.listing(1))
            return self.postback(request)
        if path == "/sub.en.mfa":
            return MirrorResponse.html(_TOP.format(
                title="Ministry of Foreign Affairs", action=f"sub.en.mfa?{esc(raw_query)}",
                viewstate=_sign(f"sub|{raw_query}"), validation=_sign("ev|sub"), guid=GUID)
                + "<p>Section index</p>" + _BOTTOM)
        if path == "/rss.en.mfa":
            return MirrorResponse.html("<html><body><h1>RSS</h1><p>Feeds: "
                                       f"<a href='/en.rss.mfa?{GUID}'>Press Releases</a>"
                                       "</p></body></html>")
        if path == "/en.rss.mfa" and raw_query == GUID:
            return self.rss()
        if path.endswith(".en.mfa"):
            release = self.by_slug(path.lstrip("/").removesuffix(".en.mfa"))
            return MirrorResponse.html(self.article(release)) if release else MirrorResponse.not_found()
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}/{release.slug}.en.mfa"

    @property
    def pages(self) -> int:
        return (len(self.releases) + PER_PAGE - 1) // PER_PAGE

    def postback(self, request: MirrorRequest) -> MirrorResponse:
        state = _verify(request.form.get("__VIEWSTATE", ""))
        valid = _verify(request.form.get("__EVENTVALIDATION", ""))
        if not state or not state.startswith(f"grd|{GUID}|") or valid != f"ev|{GUID}":
            return MirrorResponse.html(_MAC_ERROR, status=500)
        argument = request.form.get("__EVENTARGUMENT", "")
        if request.form.get("__EVENTTARGET") != "sb$grd" or not argument.startswith("Page$"):
            return MirrorResponse.html(self.listing(int(state.rsplit("|", 1)[-1])))
        try:
            page = int(argument.removeprefix("Page$"))
        except ValueError:
            return MirrorResponse.html(_MAC_ERROR, status=500)
        if not 1 <= page <= self.pages:
            return MirrorResponse.html(_MAC_ERROR, status=500)
        return MirrorResponse.html(self.listing(page))

    def listing(self, page: int) -> str:
        rows = []
        if page == 1:
            rows += [f"<div class=\"sub_lstitm\"><a href='/sub.en.mfa?{guid}'>{esc(name)}</a></div>"
                     for guid, name in _FOLDERS]
        rows += [f"<div class=\"sub_lstitm\"><a href='/{esc(r.slug)}.en.mfa'>{esc(r.title)}</a></div>"
                 for r in self.page_of(page - 1, PER_PAGE)]
        cells = "".join(
            f"<td><span>{n}</span></td>" if n == page else
            f"<td><a href=\"javascript:__doPostBack('sb$grd','Page${n}')\">{n}</a></td>"
            for n in range(1, self.pages + 1)
        )
        grid = (
            '<table class="grd" cellspacing="0" rules="all" border="1" id="sb_grd" '
            'style="border-collapse:collapse;">'
            + "".join(f"<tr><td>{row}</td></tr>" for row in rows)
            + f'<tr class="pgr"><td colspan="1"><table><tr>{cells}</tr></table></td></tr></table>'
        )
        return (
            _TOP.format(title="Press Releases and Statements", action=f"sub.en.mfa?{GUID}",
                        viewstate=_sign(f"grd|{GUID}|{page}"), validation=_sign(f"ev|{GUID}"),
                        guid=GUID)
            + '<div class="breadcrumb"><a href="/default.en.mfa">Home</a> / '
            + "Press Releases and Statements</div>"
            + '<h2 class="sub_title">Press Releases and Statements</h2>'
            + f'<div id="sb_pnl">{grid}</div>'
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        return (
            _TOP.format(title=esc(release.title), action=f"{esc(release.slug)}.en.mfa",
                        viewstate=_sign(f"art|{release.slug}"), validation=_sign("ev|art"),
                        guid=GUID)
            + '<div class="breadcrumb"><a href="/default.en.mfa">Home</a> / '
            + f"<a href='/sub.en.mfa?{GUID}'>Press Releases and Statements</a></div>"
            + f'<div class="detay"><span class="lead"><strong>{esc(release.title)}</strong></span>'
            + f'<br /><span class="mfa-content-text">{paragraphs}'
            + '<script type="text/javascript">addthis.init();</script>'
            + "<p>Share this page</p></span></div>"
            + '<div class="related"><p>Other press releases</p>'
            + f"<a href='/sub.en.mfa?{GUID}'>All press releases</a></div>"
            + _BOTTOM
        )

    def rss(self) -> MirrorResponse:
        items = "".join(
            f"<item><title>{esc(r.title)}</title><link>{self.article_url(r)}</link>"
            f"<pubDate>{r.published:%a, %d %b %Y} 09:00:00 +0300</pubDate></item>"
            for r in self.releases
        )
        return MirrorResponse.text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Press Releases</title><link>{_REAL}/sub.en.mfa?{GUID}</link>{items}"
            "</channel></rss>",
            content_type="application/rss+xml",
        )
