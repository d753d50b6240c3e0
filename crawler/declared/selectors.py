"""Declared selectors: CSS (parsel's dialect) or XPath after ``xpath:``; checking and applying.

:func:`check_selector` says why a selector cannot work (a syntax error, an unknown XPath
function) without a document to try it on; :func:`select` applies one to a node.
"""

from __future__ import annotations

import re

from cssselect import SelectorError
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

XPATH_PREFIX = "xpath:"
_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
# XPath 1.0's functions, EXSLT regular expressions (re:) and parsel's has-class.
_FUNCTIONS = frozenset("""
last position count id local-name namespace-uri name string concat starts-with contains
substring-before substring-after substring string-length normalize-space translate boolean
not true false lang number sum floor ceiling round has-class re:test re:match re:replace
text node comment processing-instruction
""".split())
_STRINGS = re.compile(r"\"[^\"]*\"|'[^']*'")
_CALL = re.compile(r"([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")
_AXIS = re.compile(r"::\s*$")
_translator = HTMLTranslator()


def is_xpath(selector: str) -> bool:
    return selector.startswith(XPATH_PREFIX)


def check_selector(selector: str) -> str | None:
    """Why ``selector`` does not compile, or ``None`` when it does."""
    if not selector.strip():
        return "empty selector"
    if is_xpath(selector):
        expr = selector[len(XPATH_PREFIX):].strip()
        try:
            etree.XPath(expr, namespaces=_NAMESPACES)
        except etree.XPathSyntaxError as exc:
            return f"XPath does not compile: {exc}: {expr!r}"
        bare = _STRINGS.sub('""', expr)
        for match in _CALL.finditer(bare):
            name = match.group(1)
            if _AXIS.search(bare[:match.start()]) and name in ("text", "node"):
                continue
            if name not in _FUNCTIONS:
                return f"XPath calls an unknown function {name}(): {expr!r}"
        return None
    try:
        _translator.css_to_xpath(selector)
    except SelectorError as exc:
        return f"CSS selector does not compile: {exc}: {selector!r}"
    return None


def select(node: Selector | SelectorList[Selector], selector: str) -> SelectorList[Selector]:
    """The nodes (or strings) ``selector`` picks under ``node``."""
    if is_xpath(selector):
        return node.xpath(selector[len(XPATH_PREFIX):].strip())
    return node.css(selector)


def _split_union(css: str) -> list[str]:
    """The parts of a CSS selector group ``a, b`` (commas inside brackets or quotes kept)."""
    parts, depth, quote, current = [], 0, "", ""
    for char in css:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _string(found: Selector) -> str:
    if isinstance(found.root, str):
        return str(found.get())
    return str(found.xpath("string()").get(""))


def text_of(node: Selector, selector: str | None) -> str | None:
    """The whitespace-folded text of the first thing ``selector`` picks under ``node``.

    ``None`` reads the node itself. A CSS selector ending in ``::text`` reads its first
    element's whole text (``a ::text`` and ``a::text`` alike, inline markup included);
    ``::attr(x)`` and XPath read their first result.
    """
    if selector is None:
        text = _string(node)
    elif not is_xpath(selector) and all(p.endswith("::text") for p in _split_union(selector)):
        elements = [p[: -len("::text")].strip() for p in _split_union(selector)]
        if any(not e for e in elements):
            text = _string(node)
        else:
            found = node.css(", ".join(elements))
            text = _string(found[0]) if found else ""
    else:
        found = select(node, selector)
        text = _string(found[0]) if found else ""
    folded = " ".join(text.split())
    return folded or None
