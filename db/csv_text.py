"""CSV text (RFC 4180, UTF-8) of rows of plain cells, neutralising formula cells.

``\r\n`` line ends, minimal quoting, NULL as an empty cell, numbers unquoted: the
text of ``csv.writer(lineterminator="\r\n")``. A text cell that a spreadsheet would
run as a formula (it starts with ``= + - @``, TAB, CR or NUL) gets a leading ``'``;
so does a text cell that already starts with ``'``, which makes the rule reversible
(:func:`restore`).

Free of SQLAlchemy, so that the export's worker process (:mod:`db.export_worker`)
starts at once; :mod:`db.rows` reads the rows it renders.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

_QUOTE = "'"
_NEUTRALISE = frozenset("=+-@\t\r\x00'")


def neutralise(value: str) -> str:
    """Prefix a text cell a spreadsheet would read as a formula with ``'`` (OWASP CSV injection).

    Cells already starting with ``'`` get one too, so :func:`restore` undoes it exactly.
    """
    return _QUOTE + value if value[:1] in _NEUTRALISE else value


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: the text the database holds for an exported CSV cell."""
    return cell[1:] if cell[:1] == _QUOTE else cell



# Joins a text column's cells so that each cell after the first starts right after it;
# it may occur in a cell too: a check on the joined text then only errs on the safe side.
_SEP = "\x1e"
_NEUTRALISE_ORDER = tuple(sorted(_NEUTRALISE))
_STR = str
_NUMBERS = frozenset({int, float})
_NUMBERS_OR_NONE = frozenset({int, float, type(None)})


def _quoted(value: str) -> str:
    """``value`` as one CSV field: quoted (quotes doubled) if it holds , " CR or LF,
    as csv.writer's minimal quoting does (:func:`_text_column` inlines this)."""
    if "," in value or '"' in value or "\r" in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _field(value: Any) -> str:
    """Any cell as csv.writer renders it after :func:`neutralise` (a str cell only)."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is _STR:
        return _quoted(_QUOTE + value if value[:1] in _NEUTRALISE else value)
    if isinstance(value, str):  # a subclass: its characters, as csv.writer takes them
        return _quoted(str.__str__(value))
    return _quoted(repr(value) if isinstance(value, float) else str(value))


def _text_column(cells: list[str]) -> list[str]:
    """A column of str cells as CSV fields: neutralised, quoted where needed.

    Both are decided on the column joined into one string (each check a fast
    substring search), so a column needing neither costs one join and a few scans.
    """
    joined = _SEP.join(cells)
    if joined[:1] in _NEUTRALISE or any(c in joined and _SEP + c in joined
                                        for c in _NEUTRALISE_ORDER):
        cells = [_QUOTE + v if v[:1] in _NEUTRALISE else v for v in cells]
    if not ("," in joined or '"' in joined or "\r" in joined or "\n" in joined):
        return cells  # (a leading ' needs no quotes)
    return [('"' + v.replace('"', '""') + '"')
            if ("," in v or '"' in v or "\r" in v or "\n" in v) else v for v in cells]


def _column(cells: list[Any]) -> Iterable[str]:
    kinds = set(map(type, cells))
    if kinds <= _NUMBERS:  # str() of an int, repr() == str() of a float: as csv.writer
        return map(str, cells)
    if len(kinds) == 1 and _STR in kinds:
        return _text_column(cells)
    if kinds <= _NUMBERS_OR_NONE:
        return ["" if v is None else str(v) for v in cells]
    return list(map(_field, cells))


class _Sink:
    write: Callable[[str], Any]


class CsvLines:
    """Render rows as RFC 4180 CSV text, neutralising formula cells (:func:`neutralise`).

    The text is what ``csv.writer(lineterminator="\\r\\n")`` writes for the rows
    with their str cells neutralised, built a column at a time: a column of numbers
    is converted in one ``map``, a column of text is checked for cells that need
    a quote or a ``'`` on its joined text, and only such a column is looked at
    cell by cell; the lines are then joined in C.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        sink = _Sink()
        sink.write = self._parts.append  # csv.writer writes each row with one call
        self._writer = csv.writer(sink, lineterminator="\r\n")

    def chunk(self, rows: Sequence[Sequence[Any]]) -> str:
        """The CSV text of ``rows`` (cells: str, int, float, None; anything else as csv.writer)."""
        if not rows:
            return ""
        widths = set(map(len, rows))
        width = len(rows[0])
        if len(widths) != 1 or width < 2:  # ragged rows; one cell, where "" is written '""'
            return "".join(self.careful(row) for row in rows)
        columns = [_column(list(map(itemgetter(i), rows))) for i in range(width)]
        return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"

    def careful(self, row: Sequence[Any]) -> str:
        """One row through csv.writer itself, its str cells neutralised."""
        parts = self._parts
        mark = len(parts)
        self._writer.writerow([neutralise(v) if v.__class__ is str else v for v in row])
        return parts.pop(mark)

    def encoded(self, rows: Sequence[Sequence[Any]]) -> bytes:
        """The UTF-8 bytes of :meth:`chunk` for ``rows`` whose text cells are UTF-8 ``bytes``
        (SQLite's text as stored, read with ``text_factory=bytes``) or str.

        The text is never decoded nor encoded: the checks and joins of :meth:`chunk`,
        done on bytes (the characters to quote or neutralise are ASCII, and a UTF-8
        multi-byte sequence holds no ASCII byte), so the bytes are those of
        ``chunk(rows with bytes decoded).encode()``.
        """
        if not rows:
            return b""
        widths = set(map(len, rows))
        width = len(rows[0])
        if len(widths) != 1 or width < 2:
            return "".join(self.careful([decoded(v) for v in row]) for row in rows
                           ).encode("utf-8", "surrogateescape")
        columns = list(map(_bytes_column, zip(*rows, strict=True)))
        return b"\r\n".join(map(b",".join, zip(*columns, strict=True))) + b"\r\n"


# The same, for text read as UTF-8 bytes (CsvLines.encoded).
_BSEP = _SEP.encode()
_BQUOTE = _QUOTE.encode()
_BNEUTRALISE = frozenset(c.encode() for c in _NEUTRALISE)
_BNEUTRALISE_ORDER = tuple(c.encode() for c in _NEUTRALISE_ORDER)
_BYTES = bytes
_NONE = type(None)
_BYTES_OR_NONE = frozenset({bytes, _NONE})
_INT = frozenset({int})
_BQUOTED = b',"\r\n'  # a cell holding any of these is quoted


def decoded(value: Any) -> Any:
    """A bytes cell as the str it encodes (undecodable bytes kept: ``surrogateescape``)."""
    return value.decode("utf-8", "surrogateescape") if value.__class__ is _BYTES else value


def _bytes_text_column(cells: Sequence[bytes]) -> Sequence[bytes]:
    """:func:`_text_column` on UTF-8 bytes; a cell needs quotes if deleting the
    characters that call for them shortens it (one pass in C)."""
    joined = _BSEP.join(cells)
    if joined[:1] in _BNEUTRALISE or any(c in joined and _BSEP + c in joined
                                         for c in _BNEUTRALISE_ORDER):
        cells = [_BQUOTE + v if v[:1] in _BNEUTRALISE else v for v in cells]
    if not (b"," in joined or b'"' in joined or b"\r" in joined or b"\n" in joined):
        return cells
    strip = bytes.translate
    return [b'"%b"' % v.replace(b'"', b'""') if len(strip(v, None, _BQUOTED)) != len(v) else v
            for v in cells]


def _bytes_field(value: Any) -> bytes:
    """:func:`_field` as UTF-8 bytes, a bytes cell taken as the text it encodes."""
    if value.__class__ is _BYTES:
        return _bytes_text_column([value])[0]
    return _field(value).encode("utf-8", "surrogateescape")


def _bytes_column(cells: Sequence[Any]) -> Sequence[bytes]:
    kinds = set(map(type, cells))
    if kinds == _INT:
        return list(map(b"%d".__mod__, cells))  # the digits of str()
    if kinds <= _NUMBERS_OR_NONE:
        # str() of a number never holds "None" nor ","; one join, one encode, one split.
        text = ",".join(map(str, cells))
        if _NONE in kinds:
            text = text.replace("None", "")
        return text.encode("ascii").split(b",")
    if kinds <= _BYTES_OR_NONE:
        if _NONE in kinds:  # NULL: an empty cell, as b"" renders (the row has 2+ cells)
            cells = [b"" if v is None else v for v in cells]
        return _bytes_text_column(cells)
    return list(map(_bytes_field, cells))


__all__ = ["CsvLines", "decoded", "neutralise", "restore"]
