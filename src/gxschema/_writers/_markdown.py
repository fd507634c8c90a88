r"""Writer for Markdown: pipe tables, with MultiMarkdown's marks for merged cells.

It writes any :class:`~gxschema._grid.Grid`. The title (the heading row of role
``"title"``) is a ``#`` heading, a paragraph of text (role ``"paragraph"``) a plain
line, every other heading row (a section heading) a ``##`` heading, each followed by an
empty line; each table is a block of pipe rows followed by
an empty line, with the delimiter row (``|---|---|…|``) after its first row. Every row
has one pipe cell per grid column, so the table reads as a plain grid too.

Pipe tables cannot merge cells; this is the convention (MultiMarkdown 6's), exactly:

* A cell that starts in a row is written `` text `` (one space each side); a cell whose
  text is empty is written as one space, `` ``, so it is never mistaken for a span.
* **Column span**: a cell spanning *n* columns is followed by *n* − 1 pipe cells with
  nothing between the pipes (``| 行政复议 |||||``): each empty-between-pipes cell
  continues the cell to its left and is not a cell of its own.
* **Row span**: in each row below its first that a cell spans down into, its position
  holds ``^^`` (a continued cell), followed, if the cell spans *n* columns, by *n* − 1
  empty-between-pipes cells.

Cell text is escaped so that any text survives; to read a cell back, strip the spaces
around it, take ``^^`` alone as a row-span continuation, then replace ``<br>`` by a line
break and unescape ``\|`` and HTML character references (:func:`html.unescape`):

* ``&`` is written ``&amp;`` and ``<`` ``&lt;`` (so ``&`` and ``<br>`` in the text stay
  text), ``|`` is written ``\|`` and ``\`` ``&#92;`` (so that no backslash but the
  one of ``\|`` is written);
* a line break (``\n``) is written ``<br>``, and the line and paragraph separators
  U+2028 and U+2029 (which end a line for :meth:`str.splitlines`) as references;
* white space at either end of the text (NBSP and the ideographic space included) is
  written as character references (``&#xa0;1``), since readers strip cells;
* a text of ``^^`` alone, or of three or more ``-`` with an optional ``:`` at either
  end (a delimiter cell), has its first character written as a character reference.

Control characters other than tab and line break (C0, DEL, C1) are dropped: character
references cannot restore them.  Headings are written as they are, on one line.
"""

from __future__ import annotations

import re

from gxschema._grid import Grid, GridTable

__all__ = ["escape_cell", "write_markdown"]

_DELIMITER_LIKE = re.compile(r":?-{3,}:?")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _ref(ch: str) -> str:
    return f"&#x{ord(ch):x};"


def escape_cell(text: str) -> str:
    """Escape a cell's text for a pipe-table cell, as the module docstring says.

    Args:
        text: the cell's text.

    Returns:
        The escaped text (not yet padded with spaces); empty for empty text.
    """
    body = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lead = len(body) - len(body.lstrip())
    trail = len(body) - len(body.rstrip()) if body.strip() else 0
    core = body[lead : len(body) - trail]
    if core == "^^" or _DELIMITER_LIKE.fullmatch(core):
        core = _ref(core[0]) + _escape_inner(core[1:])
    else:
        core = _escape_inner(core)
    head = "".join(_ref(c) for c in body[:lead])
    tail = "".join(_ref(c) for c in body[len(body) - trail :])
    return head + core + tail


def _escape_inner(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("\\", "&#92;")
    text = text.replace("\u2028", "&#x2028;").replace("\u2029", "&#x2029;")
    return text.replace("|", "\\|").replace("\n", "<br>")


def _row(pieces: list[str | None]) -> str:
    """Join pipe cells; None is a span continuation (nothing between the pipes)."""
    return "|" + "|".join("" if p is None else f" {p or ' '} " for p in pieces) + "|"


def _table(table: GridTable) -> list[str]:
    out: list[str] = []
    for n, row in enumerate(table.rows):
        pieces: list[str | None] = []
        for cell in row.cells:
            pieces.append("^^" if cell.continued else escape_cell(cell.text))
            pieces += [None] * (cell.colspan - 1)
        out.append(_row(pieces))
        if n == 0:
            out.append("|" + "---|" * table.width)
    out.append("")
    return out


def write_markdown(grid: Grid) -> str:
    """Write a grid (a laid-out report) as Markdown.

    Args:
        grid: the grid.

    Returns:
        The text, ending with a newline.
    """
    out: list[str] = []
    for block in grid.blocks():
        if isinstance(block, GridTable):
            out += _table(block)
            continue
        heading = " ".join(block.cells[0].text.split()) if block.cells else ""
        if heading:
            role = block.cells[0].role
            mark = {"title": "# ", "paragraph": ""}.get(role or "", "## ")
            out += [f"{mark}{heading}", ""]
    return "\n".join(out)
