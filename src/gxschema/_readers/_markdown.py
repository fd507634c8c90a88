r"""Reader for Markdown pipe tables, as conversion tools and editors write them.

Each pipe-table row becomes a grid row; the delimiter row (``|---|:--:|``) is skipped;
lines outside tables become free-text rows. Pipe tables cannot merge cells, so the
convention of MultiMarkdown is followed: an empty cell written with nothing between its
pipes (``||``) continues the cell to its left (a column span: it is dropped, and the
cell's ``colspan`` counts it, as the grid convention wants); a cell holding only ``^^``
continues the cell above (a row span) and becomes an empty continued cell; a cell
holding only spaces is blank. ``\|`` is a literal pipe, ``<br>`` a line break inside the
cell, and character references (``&amp;``, ``&#xa0;``) are decoded, so padding and
markup characters survive.
"""

from __future__ import annotations

import html
import itertools
import re

import attrs

from gxschema._grid import Grid, GridBuilder, GridCell, GridRow, check_cells, lines
from gxschema._report import Location

__all__ = ["looks_like_markdown", "read_markdown"]

_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PIPE = re.compile(r"(?<!\\)\|")  # a pipe not escaped as \|


def looks_like_markdown(text: str) -> bool:
    """Tell whether text holds a Markdown pipe table (a row followed by a delimiter row).

    Args:
        text: the decoded input.

    Returns:
        True when some line is a delimiter row under a pipe row.
    """
    previous = ""
    for _, line in itertools.islice(lines(text, "", limits=False), 5000):
        if _DELIMITER.match(line) and "|" in line and _ROW.match(previous):
            return True
        previous = line
    return False


def _split(line: str) -> list[str | None]:
    """Split a pipe row into cells; None marks a ``||`` span continuation."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = [c.replace("\\|", "|") for c in _PIPE.split(body)]
    return [None if c == "" else c for c in cells]


def read_markdown(text: str, *, source: str = "<markdown>") -> Grid:
    """Read Markdown pipe tables (and the text around them) into a grid.

    Args:
        text: the decoded input.
        source: the input's name, for locations in errors.

    Returns:
        The grid.

    Raises:
        ParseError: the input exceeds the grid's size limits (checked as the lines are
            split, before a row's cells are built).
    """
    rows = GridBuilder(source, "markdown")
    table = -1
    in_table = False
    ahead = lines(text, source)
    current = next(ahead, None)
    while current is not None:
        number, line = current
        current = next(ahead, None)
        if _ROW.match(line) and not _DELIMITER.match(line):
            nxt = current[1] if current is not None else ""
            if not in_table and not _DELIMITER.match(nxt):
                rows.add(_free(line, number))
                continue
            if not in_table:
                table += 1
                in_table = True
            pipes = line.count("|") - line.count("\\|")
            check_cells(pipes - 1, source, Location(line=number, table=table))
            cells: list[GridCell] = []
            for column, piece in enumerate(_split(line)):
                if piece is None:
                    if cells:  # continues the cell to its left: one more column
                        cells[-1] = attrs.evolve(cells[-1], colspan=cells[-1].colspan + 1)
                    continue
                text_ = piece.strip()
                location = Location(line=number, column=column + 1, table=table)
                if text_ == "^^":
                    cells.append(GridCell("", location, continued=True))
                    continue
                text_ = _BR.sub("\n", text_)
                cells.append(GridCell(html.unescape(text_), location))
            rows.add(GridRow(cells=tuple(cells), location=Location(line=number, table=table)))
            continue
        if _DELIMITER.match(line) and in_table:
            continue
        in_table = False
        if line.strip():
            rows.add(_free(line, number))
    return rows.build()


def _free(line: str, number: int) -> GridRow:
    text = line.strip().lstrip("#").strip()
    location = Location(line=number, column=1)
    return GridRow(cells=(GridCell(text, location),), location=location, heading=True)
