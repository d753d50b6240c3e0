"""The declaration loader: every package declaration loads; each kind of mistake is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.declared.loader import BUILTIN_DIR, load_declarations, load_dir, load_file
from crawler.exceptions import DeclarationError

GOOD = '''\
key = "xx"
country = "XX"
ministry = "Ministry of Foreign Affairs of Testland"
language = "en"
allowed_domains = ["mfa.example"]
schedule = "15 4 * * *"

[evidence]
section = "sites.md §99"
date = "2026-10"
strength = "medium"

[listing]
url = "https://mfa.example/news"

[listing.paging]
kind = "template"
template = "https://mfa.example/news?page={page}"
first_page = 1

[listing.items]
item = "ul.news li"
link = "a::attr(href)"
title = "a::text"
date = "span.date::text"
date_formats = ["%d.%m.%Y"]
date_sample = "03.12.2026"

[release]
body = "div.text"
title = "h1::text"
'''


def _write(tmp_path: Path, text: str, key: str = "fr") -> Path:
    path = tmp_path / f"{key}.toml"
    path.write_text(text.replace('"xx"', f'"{key}"').replace('"XX"', f'"{key.upper()}"'),
                    encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str, key: str = "fr") -> str:
    path = _write(tmp_path, text, key)
    with pytest.raises(DeclarationError) as info:
        load_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def test_every_package_declaration_loads() -> None:
    declarations = load_dir(BUILTIN_DIR)
    assert len(declarations) >= 33
    keys = [d.key for d in declarations]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    jp = next(d for d in declarations if d.key == "jp")
    assert jp.listing.paging.kind == "monthly"
    assert jp.listing.items.date.formats == ("%B %d", "%B %d, %Y")
    tw = next(d for d in declarations if d.key == "tw")
    assert tw.canonical.keep_query == ("n", "s")


def test_a_good_declaration_is_typed(tmp_path: Path) -> None:
    declaration = load_file(_write(tmp_path, GOOD))
    assert declaration.key == "fr" and declaration.country == "FR"
    assert declaration.listing.paging.first_page == 1
    assert declaration.listing.items.date.sample == "03.12.2026"
    assert declaration.canonical.keep_query is None  # not written: the query is kept as linked


def test_unknown_field(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('title = "a::text"', 'titel = "a::text"'))
    assert "listing.items.titel: unknown field" in message


def test_unknown_top_level_table(tmp_path: Path) -> None:
    assert "pagination: unknown field" in _error(tmp_path, GOOD + "\n[pagination]\nx = 1\n")


def test_css_selector_that_does_not_compile(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('item = "ul.news li"', 'item = "ul.news li["'))
    assert "listing.items.item: CSS selector does not compile" in message


def test_xpath_that_does_not_compile(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('body = "div.text"', "body = 'xpath://div[@class='"))
    assert "release.body: XPath does not compile" in message


def test_xpath_with_an_unknown_function(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('body = "div.text"',
                                            'body = \'xpath://div[hasclass("text")]\''))
    assert "release.body: XPath calls an unknown function hasclass()" in message


def test_date_format_that_does_not_parse_its_sample(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('date_sample = "03.12.2026"',
                                            'date_sample = "3 December 2026"'))
    assert "listing.items.date_sample: '3 December 2026' does not parse" in message


def test_date_without_formats(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('date_formats = ["%d.%m.%Y"]\n', ""))
    assert "listing.items.date_formats: missing" in message


def test_year_less_format_reads_february_29(tmp_path: Path) -> None:
    text = GOOD.replace('["%d.%m.%Y"]', '["%B %d"]').replace('"03.12.2026"', '"February 29"')
    assert load_file(_write(tmp_path, text)).listing.items.date.formats == ("%B %d",)


@pytest.mark.parametrize("key", ["zz", "XX", "jpn", "j1"])
def test_bad_key(tmp_path: Path, key: str) -> None:
    text = GOOD.replace('key = "xx"', f'key = "{key}"')
    message = _error(tmp_path, text, key="de")
    assert "key: " in message and "ISO 3166 alpha-2" in message


def test_key_and_file_name_differ(tmp_path: Path) -> None:
    path = tmp_path / "de.toml"
    path.write_text(GOOD.replace('"xx"', '"fr"').replace('"XX"', '"FR"'), encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"key: 'fr' differs from the file name"):
        load_file(path)


def test_bad_cron_schedule(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('"15 4 * * *"', '"every day at four"'))
    assert "schedule: not a cron expression" in message


def test_wrong_type(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace("first_page = 1", 'first_page = "1"'))
    assert "listing.paging.first_page: must be an integer" in message


def test_paging_kind_and_its_template(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('kind = "template"', 'kind = "pages"'))
    assert "listing.paging.kind: must be one of" in message
    message = _error(tmp_path, GOOD.replace("?page={page}", "?page=N"))
    assert "listing.paging.template: has none of {page}" in message


def test_not_toml(tmp_path: Path) -> None:
    assert "not valid TOML" in _error(tmp_path, GOOD + "\nkey = \n")


def test_user_directory_adds_sources_and_a_repeated_key_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, key="fi")
    keys = [d.key for d in load_declarations([tmp_path])]
    assert "fi" in keys and "jp" in keys
    _write(tmp_path, GOOD, key="jp")
    with pytest.raises(DeclarationError, match="key: 'jp' is declared in .*jp.toml too"):
        load_declarations([tmp_path])


def test_the_readme_declaration_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("# my-sources/fi.toml")
    path = tmp_path / "fi.toml"
    path.write_text(readme[start:readme.index("```", start)], encoding="utf-8")
    declaration = load_file(path)
    assert declaration.key == "fi" and declaration.canonical.keep_query == ("id",)
