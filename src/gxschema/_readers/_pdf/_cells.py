"""Cell assembly for the PDF reader: one page's tables and text lines as rows of cells.

The rows stay mutable until every page is read, since a table continued on the next
page may still add to them.  A table's rows follow the grid convention of
:class:`~gxschema._grid.GridCell`: a merged cell appears once, at its first column; a
position covered by a cell from a row above appears as one empty ``continued`` cell per
covering cell.  Text outside the tables becomes one heading row per line; a line that
is only a page number (``- 3 -``, ``第3页``) is marked so that it can be left out.

Characters drawn on top of each other are read once (:func:`dedupe_chars`), and each
character is placed in its cell by bisection, so the work is near linear in the
characters, and the loops tick the reading's time budget (:mod:`._budget`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import attrs

from gxschema._grid import MAX_ROW_CELLS
from gxschema._readers._pdf._budget import Budget
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


def dedupe_chars(chars: Sequence[dict[str, Any]], budget: Budget) -> list[dict[str, Any]]:
    """The characters with those drawn on top of each other read once.

    pdfplumber's ``dedupe_chars`` (tolerance 1, same font and size) in time
    ``n log n``: its last step, which restores the document order with
    ``list.index``, takes time quadratic in the characters.  The same characters are
    kept, in the same order.
    """
    key = itemgetter("upright", "text", "fontname", "size")
    order = sorted(range(len(chars)), key=lambda i: key(chars[i]))
    kept: list[int] = []
    start = 0
    while start < len(order):
        group_key = key(chars[order[start]])
        end = start
        while end < len(order) and key(chars[order[end]]) == group_key:
            end += 1
        for y_cluster in _clusters(order[start:end], chars, "doctop", budget):
            for x_cluster in _clusters(y_cluster, chars, "x0", budget):
                budget.tick()
                kept.append(min(x_cluster, key=lambda i: (chars[i]["doctop"], chars[i]["x0"], i)))
        start = end
    kept.sort()
    return [chars[i] for i in kept]


def _clusters(
    indexes: list[int], chars: Sequence[dict[str, Any]], attr: str, budget: Budget
) -> list[list[int]]:
    """Cluster as pdfplumber's ``cluster_objects`` does, tolerance 1: values 1 apart chain."""
    ranked = sorted(indexes, key=lambda i: chars[i][attr])
    values = sorted({chars[i][attr] for i in indexes})
    cluster_of: dict[Any, int] = {}
    cluster = 0
    last = None
    for value in values:
        budget.tick()
        if last is not None and value > last + 1:
            cluster += 1
        cluster_of[value] = cluster
        last = value
    out: dict[int, list[int]] = {}
    for i in ranked:
        out.setdefault(cluster_of[chars[i][attr]], []).append(i)
    return [out[k] for k in sorted(out)]


def table_rows(
    table: Table,
    chars: Sequence[dict[str, Any]],
    number: int,
    index: int,
    source: str,
    budget: Budget,
) -> tuple[list[Row], int]:
    """Turn one table into rows in the grid convention; also return its column count.

    Args:
        table: the table pdfplumber found.
        chars: the page's characters.
        number: the page's number (1-based).
        index: the table's index on its page (0-based).
        source: the input's name, for locations in errors.
        budget: the reading's time budget.

    Raises:
        ParseError: the table has more columns than a row may have cells, or the time
            budget is spent.
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
    owners = _place(cells, within, budget)
    cover: dict[tuple[int, int], Cell] = {}
    starts: dict[tuple[int, int], Cell] = {}
    for k, bbox in enumerate(cells):
        budget.tick()
        col, row = col_of[bbox[0]], row_of[bbox[1]]
        colspan = max(1, sum(1 for x in xs if bbox[0] <= x < bbox[2] - 0.01))
        rowspan = max(1, sum(1 for y in ys if bbox[1] <= y < bbox[3] - 0.01))
        text = extract_text(owners.get(k, []))
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


def _place(
    cells: Sequence[tuple[float, float, float, float]],
    chars: Sequence[dict[str, Any]],
    budget: Budget,
) -> dict[int, list[dict[str, Any]]]:
    """The characters of each cell (by its index), in their order.

    A character belongs to the cell holding its centre (the first one, should cells
    overlap); the cell is found by bisection on the cells' edges.
    """
    xs = sorted({v for c in cells for v in (c[0], c[2])})
    ys = sorted({v for c in cells for v in (c[1], c[3])})
    slots: dict[tuple[int, int], list[int]] = {}
    for k, (cx0, ctop, cx1, cbottom) in enumerate(cells):
        budget.tick()
        for i in range(bisect.bisect_left(xs, cx0), bisect.bisect_left(xs, cx1)):
            for j in range(bisect.bisect_left(ys, ctop), bisect.bisect_left(ys, cbottom)):
                budget.tick()
                slots.setdefault((i, j), []).append(k)
    owners: dict[int, list[dict[str, Any]]] = {}
    for char in chars:
        budget.tick()
        h = (char["x0"] + char["x1"]) / 2
        v = (char["top"] + char["bottom"]) / 2
        slot = (bisect.bisect_right(xs, h) - 1, bisect.bisect_right(ys, v) - 1)
        for k in slots.get(slot, ()):
            if inside(char, cells[k]):
                owners.setdefault(k, []).append(char)
                break
    return owners


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
