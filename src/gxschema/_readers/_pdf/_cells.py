"""Cell assembly for the PDF reader: one page's tables and text lines as rows of cells.

The rows stay mutable until every page is read, since a table continued on the next
page may still add to them.  A table's rows follow the grid convention of
:class:`~gxschema._grid.GridCell`: a merged cell appears once, at its first column; a
position covered by a cell from a row above appears as one empty ``continued`` cell per
covering cell.  Text outside the tables becomes one heading row per line; a line that
is only a page number (``- 3 -``, ``第3页``) is marked so that it can be left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gxschema._grid import MAX_ROW_CELLS
from gxschema._readers._pdf._ruling import inside
from gxschema._report import Location
from gxschema.exceptions import ParseError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.table import Table

SPACES = " \t\r\n\u00a0\u3000"
"""The characters stripped from the ends of a cell's or a line's text."""
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·.]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?[\s\-—–－_·.]*$"
)


@attrs.define
class Cell:
    """A cell under construction (page breaks may still add to it)."""

    text: str
    location: Location
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False
    column: int = 0  # first grid column, within its table
    origin: Cell | None = None  # for a continued cell: the cell that covers it


@attrs.define
class Row:
    """A row under construction."""

    cells: list[Cell]
    location: Location
    heading: bool = False
    # For table rows: the cell covering each grid column (the origin, not a stand-in).
    cover: list[Cell | None] = attrs.field(factory=list)


@attrs.define
class Item:
    """One thing found on a page: a table or a text line, and where it starts."""

    top: float
    rows: list[Row]
    columns: int = 0  # 0 for a text line
    page_number: bool = False  # a line holding only the page number


def table_rows(
    table: Table, chars: Sequence[dict[str, Any]], number: int, index: int, source: str
) -> tuple[list[Row], int]:
    """Turn one table into rows in the grid convention; also return its column count.

    Args:
        table: the table pdfplumber found.
        chars: the page's characters.
        number: the page's number (1-based).
        index: the table's index on its page (0-based).
        source: the input's name, for locations in errors.

    Raises:
        ParseError: the table has more columns than a row may have cells.
    """
    from pdfplumber.utils.text import extract_text

    cells = list(table.cells)
    xs = sorted({c[0] for c in cells})
    ys = sorted({c[1] for c in cells})
    col_of = {x: i for i, x in enumerate(xs)}
    row_of = {y: i for i, y in enumerate(ys)}
    if len(xs) > MAX_ROW_CELLS:
        raise ParseError(
            f"a table has {len(xs)} columns (limit {MAX_ROW_CELLS})",
            source=source,
            location=Location(page=number, table=index),
        )
    x0, top, x1, bottom = table.bbox
    within = [c for c in chars if inside(c, (x0, top, x1, bottom))]
    cover: dict[tuple[int, int], Cell] = {}
    starts: dict[tuple[int, int], Cell] = {}
    for bbox in cells:
        col, row = col_of[bbox[0]], row_of[bbox[1]]
        colspan = max(1, sum(1 for x in xs if bbox[0] <= x < bbox[2] - 0.01))
        rowspan = max(1, sum(1 for y in ys if bbox[1] <= y < bbox[3] - 0.01))
        text = extract_text([c for c in within if inside(c, bbox)])
        cell = Cell(
            text.strip(SPACES) if text else "",
            Location(page=number, table=index, row=row, cell=col),
            colspan,
            rowspan,
            column=col,
        )
        starts[(row, col)] = cell
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                cover.setdefault((r, c), cell)
    rows: list[Row] = []
    for r in range(len(ys)):
        out: list[Cell] = []
        row_cover: list[Cell | None] = []
        for c in range(len(xs)):
            owner = cover.get((r, c))
            row_cover.append(owner)
            start = starts.get((r, c))
            if start is not None:
                out.append(start)
            elif owner is None:
                # No cell here (a gap in the rules): keep the column's place.
                out.append(Cell("", Location(page=number, table=index, row=r, cell=c), column=c))
            elif owner.column == c and owner.location.row != r:
                out.append(
                    Cell(
                        "",
                        Location(page=number, table=index, row=r, cell=c),
                        owner.colspan,
                        continued=True,
                        column=c,
                        origin=owner,
                    )
                )
        rows.append(Row(out, Location(page=number, table=index, row=r), cover=row_cover))
    # Rows with no cell text and no continued cell carry nothing (an artefact of
    # closing a ruled area): drop them.
    rows = [row for row in rows if any(c.text or c.continued for c in row.cells)]
    return rows, len(xs)


def text_lines(chars: list[dict[str, Any]], number: int) -> list[Item]:
    """Group the characters outside the tables into lines of text, one heading row each."""
    if not chars:
        return []
    from pdfplumber.utils.text import chars_to_textmap

    textmap = chars_to_textmap(chars)
    items: list[Item] = []
    for k, line in enumerate(textmap.extract_text_lines(strip=True, return_chars=False), 1):
        text = str(line["text"]).strip(SPACES)
        if not text:
            continue
        location = Location(page=number, line=k)
        row = Row([Cell(text, location)], location, heading=True)
        items.append(
            Item(float(line["top"]), [row], page_number=_PAGE_NUMBER.match(text) is not None)
        )
    return items
