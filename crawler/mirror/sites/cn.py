"""Mirror of https://www.mfa.gov.cn/eng/ and https://www.fmprc.gov.cn/eng/.

Three sections (ministry news ``/eng/xw/wjbxw/``, regular press conferences
``/eng/xw/fyrbt/lxjzh/``, spokesperson's remarks ``/eng/xw/fyrbt/fyrbt/``),
three releases a page as ``index.html``, ``index_1.html``...; the page's script
declares ``var countPage = N`` and calls ``createPageHTML``; past the last page
the server answers 302 to a "system" page (200). Items link relatively,
``./YYYYMM/tYYYYMMDD_N.html``; a "Top news" sidebar links elsewhere with
``../``. Release pages carry ``meta[name=ArticleTitle]``, ``meta[name=PubDate]``
(``YYYY-MM-DD HH:MM:SS``), the ``<title>`` with ``_`` and the ministry name,
``div.TRS_UEDITOR`` and, after it, a trailing ``[Print] [Close]``. The host
name does not matter (both hosts serve every page); the press-conference
listing is linked under ``www.fmprc.gov.cn``, the rest under
``www.mfa.gov.cn``. robots.txt redirects to the "system" page, as on both real
hosts; ``rss.xml`` answers HTML. Pages are UTF-8, declared only in a
``<meta http-equiv>`` (the header has no charset) [inf].
"""

from __future__ import annotations

import re
from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_PAGE = 3
SYSTEM = "/web/system/index_17321.shtml"
SECTIONS: dict[str, tuple[str, str, str]] = {  # category -> (path, host, heading)
    "Ministry news": ("/eng/xw/wjbxw/", "https://www.mfa.gov.cn", "Ministry News"),
    "Press conferences": ("/eng/xw/fyrbt/lxjzh/", "https://www.fmprc.gov.cn",
                          "Regular Press Conference"),
    "Spokesperson's remarks": ("/eng/xw/fyrbt/fyrbt/", "https://www.mfa.gov.cn",
                               "Spokesperson's Remarks"),
}
_PATHS = {path: category for category, (path, _, _) in SECTIONS.items()}
_CANONICAL = "https://www.mfa.gov.cn"
_INDEX = re.compile(r"^(?P<section>/eng/.+/)index(?:_(?P<n>\d+))?\.html$")
_ARTICLE = re.compile(r"^(?P<section>/eng/.+/)(?P<month>\d{6})/(?P<slug>t\d{8}_\d+)\.html$")

_TOP = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}</title>
{meta}
<link rel="stylesheet" href="/eng/images/css.css">
</head>
<body>
<div class="header"><div class="logo"><a href="../../../"><img src="/eng/images/logo.png" alt="Ministry of Foreign Affairs of the People's Republic of China"></a></div>
<div class="lang"><a href="/ara/">عربي</a> <a href="/esp/">Español</a> <a href="/rus/">Русский</a> <a href="/fra/">Français</a> <a href="/web/">简体中文</a></div>
<div class="nav"><ul><li><a href="/eng/">Home</a></li><li><a href="/eng/wjb/">Ministry</a></li>
<li><a href="/eng/xw/">News</a></li><li><a href="/eng/zy/">Documents</a></li><li><a href="/eng/fw/">Services</a></li></ul></div>
<div class="search"><input type="text" value="Search"></div></div>
<div class="container">
<div class="position">Home &gt; News &gt; {crumb}</div>
"""
_BOTTOM = """
</div>
<div class="footer"><p>Copyright &copy; Ministry of Foreign Affairs, the People's Republic of China</p>
<p>Address: No. 2, Chaoyangmen Nandajie, Chaoyang District, Beijing, 100701</p></div>
</body></html>
"""
_SYSTEM_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>系统提示</title></head>
<body><div class="system"><p>您访问的页面不存在或已被删除。</p><p>The page you visited does not exist.</p>
<a href="/">返回首页</a></div></body></html>
"""


class CnMirror(MirrorSite):
    key: ClassVar[str] = "cn"

    def serve(self, request: MirrorRequest) -> MirrorResponse:
        if request.path == "/robots.txt":  # both real hosts redirect it to the system page
            return MirrorResponse.redirect(SYSTEM)
        return self.handle(request)

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path
        if path == SYSTEM:
            return self._html(_SYSTEM_PAGE)
        if path.endswith("rss.xml"):
            return self._html(_SYSTEM_PAGE)
        if path.endswith("/") and path in _PATHS:
            path += "index.html"
        if m := _INDEX.match(path):
            category = _PATHS.get(m["section"])
            if category is None:
                return self._html(_SYSTEM_PAGE)
            page = int(m["n"] or 0)
            if m["n"] == "0" or page >= self._count(category):
                return MirrorResponse.redirect(SYSTEM)
            return self._html(self.listing(category, page))
        if m := _ARTICLE.match(path):
            release = self.by_slug(m["slug"])
            if release and SECTIONS[release.category][0] == m["section"] \
                    and m["month"] == f"{release.published:%Y%m}":
                return self._html(self.article(release))
        return self._html(_SYSTEM_PAGE)  # removed pages: 200 on the system page

    @staticmethod
    def _html(text: str) -> MirrorResponse:
        return MirrorResponse.html(text, declare=False)

    def _path(self, release: MirrorRelease) -> str:
        return f"{SECTIONS[release.category][0]}{release.published:%Y%m}/{release.slug}.html"

    def article_url(self, release: MirrorRelease) -> str:
        return SECTIONS[release.category][1] + self._path(release)

    def archived_url(self, release: MirrorRelease) -> str:
        return _CANONICAL + self._path(release)

    def in_section(self, category: str) -> list[MirrorRelease]:
        return [r for r in self.releases if r.category == category]

    def _count(self, category: str) -> int:
        return max(1, (len(self.in_section(category)) + PER_PAGE - 1) // PER_PAGE)

    def listing(self, category: str, page: int) -> str:
        _, _, heading = SECTIONS[category]
        shown = self.in_section(category)[page * PER_PAGE:(page + 1) * PER_PAGE]
        items = "\n".join(
            f'<li><a href="./{r.published:%Y%m}/{esc(r.slug)}.html" target="_blank">{esc(r.title)}</a>'
            f"<span>({r.published:%Y-%m-%d})</span></li>"
            for r in shown
        )
        top = "".join(
            f'<li><a href="../../zyxw/{r.published:%Y%m}/{esc(r.slug)}.html">{esc(r.title)}</a></li>'
            for r in self.releases[:3]
        )
        count = self._count(category)
        script = (
            '<div id="pages"></div><script type="text/javascript">\n'
            f"var countPage = {count}//共多少页\n"
            f"var currentPage = {page};\n"
            'createPageHTML(countPage, currentPage, "index", "html");\n</script>'
        )
        return (
            _TOP.format(title=f"{esc(heading)}_Ministry of Foreign Affairs of the People's Republic of China",
                        meta='<meta name="ColumnName" content="' + esc(heading) + '">',
                        crumb=esc(heading))
            + f'<div class="main"><div class="newsTitle">{esc(heading)}</div>'
            + f'<div class="newsBd"><ul class="list1">{items}</ul></div>{script}</div>'
            + f'<div class="side"><h3>Top News</h3><ul>{top}</ul></div>'
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        _, _, heading = SECTIONS[release.category]
        time = release.extra.get("time", "19:30:00")
        stamp = f"{release.published:%Y-%m-%d} {time}"
        meta = (
            f'<meta name="ArticleTitle" content="{esc(release.title)}">\n'
            f'<meta name="PubDate" content="{stamp}">\n'
            f'<meta name="ColumnName" content="{esc(heading)}">\n'
            '<meta name="ContentSource" content="Ministry of Foreign Affairs">'
        )
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        return (
            _TOP.format(
                title=f"{esc(release.title)}_Ministry of Foreign Affairs of the People's Republic of China",
                meta=meta, crumb=esc(heading))
            + '<div class="news_content"><div class="news_header">'
            + f'<h1 class="news_header_title">{esc(release.title)}</h1>'
            + f'<p class="xltime">{stamp[:16]}</p>'
            + '<div class="news_fontsize">Font Size: <a href="#">L</a> <a href="#">M</a> <a href="#">S</a></div></div>'
            + '<div class="content_text">'
            + f'<div class="TRS_UEDITOR trs_paper_default trs_web">{paragraphs}</div>'
            + '<div class="news_print">[<a href="javascript:doPrint()">Print</a>] '
            + '[<a href="javascript:window.close()">Close</a>]</div>'
            + "</div></div>"
            + _BOTTOM
        )
