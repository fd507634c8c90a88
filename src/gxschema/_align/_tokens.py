r"""Any text as a stream of tokens: label fragments, numbers and blank marks.

The aligner (:mod:`gxschema._align`) reads what the grid readers could not: text whose
table cells ran together, Markdown whose rows lost their labels, PDFs without ruling
lines.  It first forgets the layout and keeps only the order of what is printed: every
grid cell's text (every line of plain text) is cut into

* **label** fragments: runs of text without digits, cut at white space and cell
  boundaries (a bracketed note such as ``（其中修订 16 件）`` stays one fragment, digits
  and all, so that its numbers are not taken for values);
* **numbers**: a digit run with its sign, decimals and unit as printed, its raw text and
  where it was read.  A run followed by ``.``/``、`` and a label (``00000002.其他``) gives
  its last digit to the label: it is the next line's item number.  A number followed by
  ``年``/``月``/``日``/``%`` is prose, not a value, and is dropped;
* **blank** marks: a lone dash or slash (``-``, ``—``, ``/``).

A number that is the whole text of a cell of a real table (a Markdown pipe table, an
HTML or Word table) is one value for certain: its cell's borders say so, so its digits
are never cut; so is a number alone on a line of converted Markdown (a cell the
converter pulled out of its table).  Page footers (``— 5 —``) are dropped.  Digits
broken over lines inside one table cell (``305\\n0``, a narrow column) are joined back
into one number, marked ``joined``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Literal

import attrs

from gxschema._continued import joined_digits
from gxschema._grid import Grid
from gxschema._report import Location

__all__ = ["Token", "tokenize"]

Kind = Literal["label", "num", "blank"]


@attrs.frozen
class Token:
    """One piece of the printed stream.

    Attributes:
        kind: ``label``, ``num`` or ``blank``.
        text: the text as printed (after NFKC).
        location: where it was read.
        digits: for a number that may hold several values run together, the digits of
            its whole part; empty when it is one value for certain (one digit, or
            written with thousands separators).
        lead: the sign printed before ``digits`` (it belongs to the first value).
        tail: the decimals and unit printed after ``digits`` (they belong to the last).
        joined: True when the number was joined from fragments on several lines.
        cell: a serial number of the printed cell (or text line) it came from.
    """

    kind: Kind
    text: str
    location: Location | None
    digits: str = ""
    lead: str = ""
    tail: str = ""
    joined: bool = False
    cell: int = 0


_FOOTER = re.compile(r"^[—–\-－]+\s*\d{1,3}\s*[—–\-－]+$")
_PIECE = re.compile(
    r"(?P<foot>[—–－]\s*\d{1,3}\s*[—–－])"
    r"|(?P<paren>\([^()]*\d[^()]*\))"
    r"|(?P<num>[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元|万|件)?)"
    r"|(?P<blank>(?<![^\s|])[—–\-/－]+(?![^\s|]))"
    r"|(?P<space>[\s|]+)"
    r"|(?P<text>[^\s|\d]+?(?=[\s|\d]|\([^()]*\d|$))",
)
_ENUM_AFTER = re.compile(r"[.．、][^\d]")
_PROSE_AFTER = ("年", "月", "日", "%", "时", "号")
_PURE = re.compile(r"\d+")
_PARTS = re.compile(r"([+\-−]?)(\d+)((?:\.\d+)?(?:万元|元|万|件)?)")
_WHOLE = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元|万|件)?")
_CELLED = frozenset({"markdown", "html", "docx"})
"""Forms whose table cells are delimited: a number filling a cell is one value."""


def _pieces(text: str, location: Location | None, cell: int) -> Iterator[Token]:
    label: list[str] = []

    def flush() -> Iterator[Token]:
        if label:
            yield Token("label", "".join(label), location, cell=cell)
            label.clear()

    carry = ""  # an item number taken from the end of a digit run
    for m in _PIECE.finditer(text):
        kind = m.lastgroup
        piece = m.group(0)
        end = m.end()
        if kind == "foot":
            yield from flush()
            continue
        if kind == "space":
            yield from flush()
            continue
        if kind == "paren" or kind == "text":
            if carry:
                label.append(carry)
                carry = ""
            label.append(piece)
            continue
        if kind == "blank":
            yield from flush()
            yield Token("blank", piece, location, cell=cell)
            continue
        # a number
        after = text[end : end + 2]
        if _PURE.fullmatch(piece) and _ENUM_AFTER.match(after):
            yield from flush()
            if len(piece) > 1:
                head = piece[:-1]
                yield Token("num", head, location, head if len(head) > 1 else "", cell=cell)
            carry = piece[-1]
            continue
        if after[:1] in _PROSE_AFTER or (after[:1] == "." and not after[1:2].isdigit()):
            yield from flush()
            continue
        yield from flush()
        parts = _PARTS.fullmatch(piece)
        if parts is not None and len(parts.group(2)) > 1:
            lead, digits, tail = parts.groups()
            yield Token("num", piece, location, digits, lead, tail, cell=cell)
        else:
            yield Token("num", piece, location, cell=cell)
    yield from flush()


def tokenize(grid: Grid) -> list[Token]:
    """Cut every text of a grid, in document order, into tokens.

    Args:
        grid: what a reader found (any form).

    Returns:
        The tokens in reading order.
    """
    out: list[Token] = []
    serial = 0
    celled = grid.form in _CELLED
    loose_cells = grid.form == "markdown"
    for row in grid.rows:
        if _FOOTER.match(" ".join(c.text.strip() for c in row.cells).strip()):
            continue  # a page footer, even when a reader cut it into cells
        for cell in row.cells:
            if cell.continued or not cell.text.strip():
                continue
            serial += 1
            text = unicodedata.normalize("NFKC", cell.text)
            if _FOOTER.match(text.strip()):
                continue
            if ((celled and not row.heading) or loose_cells) and _WHOLE.fullmatch(text.strip()):
                out.append(Token("num", text.strip(), cell.location, cell=serial))
                continue
            if not row.heading:
                whole = joined_digits(text)
                if whole is not None:
                    out.append(Token("num", whole, cell.location, joined=True, cell=serial))
                    continue
            if len(text) > _SHORT:
                out.extend(_pieces(text, cell.location, serial))
                continue
            location = cell.location
            out.extend(
                Token(kind, piece, location, digits, lead, tail, cell=serial)
                for kind, piece, digits, lead, tail in _shapes(text)
            )
    return out


_SHORT = 200  # texts this short (a cell, a label) are cut once and remembered


@functools.lru_cache(maxsize=16384)
def _shapes(text: str) -> tuple[tuple[Kind, str, str, str, str], ...]:
    """The tokens of one text, without their location (the same text cuts the same)."""
    return tuple((t.kind, t.text, t.digits, t.lead, t.tail) for t in _pieces(text, None, 0))
