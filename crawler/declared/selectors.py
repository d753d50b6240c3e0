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


def text_of(node: Selector, selector: str | None) -> str | None:
    """The whitespace-folded text ``selector`` picks (the node's own text for ``None``)."""
    if selector is None:
        parts = node.xpath("string()").getall()
    else:
        parts = []
        for found in select(node, selector):
            value = found.get()
            if isinstance(found.root, str):
                parts.append(value)
            else:
                parts.extend(found.xpath("string()").getall())
    text = " ".join(" ".join(parts).split())
    return text or None
