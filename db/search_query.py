"""The search language of ``mfa-archive search``, parsed once and rendered per engine.

One syntax on both databases:

* ``word word``: both words (AND; ``AND`` may be written out);
* ``"a phrase"``: the words in this order;
* ``negotiat*``: a word starting so (a prefix);
* ``a OR b``: either; ``-word`` or ``NOT word``: without it;
* ``( ... )``: grouping.

Pure functions: :func:`parse` raises :class:`QuerySyntaxError` with one line
saying what is wrong; :func:`fts5` renders for SQLite FTS5, :func:`tsquery`
builds PostgreSQL ``tsquery`` SQL with bound parameters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TypeAlias


class QuerySyntaxError(ValueError):
    """The search query cannot be read; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a phrase (several words in order) or a prefix (``word*``)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class All:
    """Every one of ``items``, none of ``excluded``."""

    items: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Any_:
    """At least one of ``items``."""

    items: tuple[Node, ...]


Node: TypeAlias = Term | All | Any_


def _tokens(query: str) -> list[tuple[str, str]]:
    """``[(kind, value)]`` with kind ``(``, ``)``, ``-``, ``phrase``, ``word``."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append((ch, ch))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError('a phrase is not closed: a " is missing')
            tokens.append(("phrase", query[i + 1:end]))
            i = end + 1
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and (
                i == 0 or query[i - 1].isspace() or query[i - 1] == "("):
            tokens.append(("-", "-"))
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '()"':
                i += 1
            tokens.append(("word", query[start:i]))
    return tokens


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def any_(self) -> Node:
        items = [self.all_()]
        while (token := self.peek()) is not None and token == ("word", "OR"):
            self.take()
            if self.peek() is None or self.peek() == (")", ")"):
                raise QuerySyntaxError("OR needs something to search for after it")
            items.append(self.all_())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def all_(self) -> Node:
        items: list[Node] = []
        excluded: list[Node] = []
        while (token := self.peek()) is not None and token not in (("word", "OR"), (")", ")")):
            if token == ("word", "AND"):
                self.take()
                continue
            negated = token in (("-", "-"), ("word", "NOT"))
            if negated:
                self.take()
                if self.peek() is None or self.peek() in ((")", ")"), ("word", "OR")):
                    raise QuerySyntaxError("NOT (or -) needs a word, phrase or group after it")
            node = self.primary()
            if node is not None:
                (excluded if negated else items).append(node)
        if not items:
            if excluded:
                raise QuerySyntaxError(
                    "a query cannot only exclude: name something to search for as well")
            if self.peek() == ("word", "OR"):
                raise QuerySyntaxError("OR needs something to search for before it")
            raise QuerySyntaxError("nothing to search for")
        if len(items) == 1 and not excluded:
            return items[0]
        return All(tuple(items), tuple(excluded))

    def primary(self) -> Node | None:
        kind, value = self.take()
        if kind == "(":
            if self.peek() == (")", ")"):
                raise QuerySyntaxError("empty parentheses")
            node = self.any_()
            if self.peek() != (")", ")"):
                raise QuerySyntaxError("a parenthesis is not closed: a ) is missing")
            self.take()
            return node
        if kind == ")":
            raise QuerySyntaxError("a ) has no ( before it")
        if kind == "phrase":
            text = " ".join(value.split())
            return Term(text) if _has_word(text) else None
        prefix = value.endswith("*")
        word = value.rstrip("*") if prefix else value
        if "*" in word:
            raise QuerySyntaxError(f"* marks a prefix at the end of a word, not inside {value!r}")
        if not _has_word(word):
            if prefix:
                raise QuerySyntaxError("a prefix needs at least one letter before *")
            return None
        return Term(word, prefix=prefix)


def parse(query: str) -> Node:
    """The query as a tree; :class:`QuerySyntaxError` if it cannot be read."""
    parser = _Parser(_tokens(query))
    if not parser.tokens:
        raise QuerySyntaxError("empty query")
    node = parser.any_()
    if parser.peek() is not None:  # only a stray ")" stops the top level early
        raise QuerySyntaxError("a ) has no ( before it")
    return node


def terms(node: Node) -> list[Term]:
    """Every term searched for (not the excluded ones)."""
    if isinstance(node, Term):
        return [node]
    return [t for item in node.items for t in terms(item)]


def positive(node: Node) -> Node:
    """``node`` without its exclusions: what a hit's rank and highlights are about."""
    if isinstance(node, Term):
        return node
    if isinstance(node, Any_):
        return Any_(tuple(positive(i) for i in node.items))
    items = tuple(positive(i) for i in node.items)
    return items[0] if len(items) == 1 else All(items)


def non_latin(node: Node) -> bool:
    """True when a term holds a letter of a script other than Latin (Cyrillic, Arabic, Han ...)."""
    return any(ch.isalpha() and not unicodedata.name(ch, "LATIN").startswith("LATIN")
               for term in terms(node) for ch in term.text)


# --- SQLite FTS5 ------------------------------------------------------------------


def fts5(node: Node, *, trigram: bool = False) -> str:
    """The FTS5 MATCH expression; ``trigram`` drops prefixes (trigrams match substrings)."""
    if isinstance(node, Term):
        quoted = '"' + node.text.replace('"', '""') + '"'
        return f"{quoted} *" if node.prefix and not trigram else quoted
    if isinstance(node, Any_):
        return "(" + " OR ".join(fts5(i, trigram=trigram) for i in node.items) + ")"
    rendered = "(" + " AND ".join(fts5(i, trigram=trigram) for i in node.items) + ")"
    for excluded in node.excluded:
        rendered = f"({rendered} NOT {fts5(excluded, trigram=trigram)})"
    return rendered


# --- PostgreSQL tsquery ------------------------------------------------------------


def _lexeme(text: str) -> str:
    """``text`` as one quoted tsquery operand."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(node: Node, config: str, params: dict[str, str], name: str = "q") -> str:
    """SQL for the tsquery of ``node`` in text search ``config`` (``english`` or ``simple``).

    Words go into ``params`` (named ``q0``, ``q1`` ... after ``name``; the same names for every
    config, so one dictionary serves the english and the simple rendering). A
    prefix is matched against the words as written (``simple``): stems are no
    prefixes of the words they come from (``negotiat`` vs ``negoti``).
    """
    if config not in ("english", "simple"):
        raise ValueError(f"unknown text search configuration {config!r}")
    counter = iter(range(1_000_000))

    def render(n: Node) -> str:
        if isinstance(n, Term):
            param = f"{name}{next(counter)}"
            if n.prefix:  # against the unstemmed words (the migration indexes them)
                params[param] = _lexeme(n.text) + ":*"
                return f"to_tsquery('simple', :{param})"
            params[param] = n.text
            return f"phraseto_tsquery('{config}', :{param})"
        if isinstance(n, Any_):
            return "(" + " || ".join(render(i) for i in n.items) + ")"
        parts = [render(i) for i in n.items] + [f"!!{render(e)}" for e in n.excluded]
        return "(" + " && ".join(parts) + ")"

    return render(node)
