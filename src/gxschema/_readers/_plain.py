"""Reader for plain text: tables flattened to lines of space-separated words.

Crawled pages and text pulled out of PDFs print a table row as one line, the label
and then the values, separated by spaces (``1.属于国家秘密 0 0 0 0 0 0 0``); sometimes
the values run together (``230 000023``), which the mapper resolves against the
template's own row rule.  A line with a single word is free text (a title or a section
heading); every other line is a table row whose cells are its words.
"""

from __future__ import annotations

import re

from gxschema._grid import MAX_ROW_CELLS, Grid, GridBuilder, GridCell, GridRow, check_cells, lines
from gxschema._report import Location

__all__ = ["read_plain"]

_WORD = re.compile(r"[^\s\u00a0\u3000]+")


def read_plain(text: str, *, source: str = "<text>") -> Grid:
    """Read space-separated plain text into a grid.

    Args:
        text: the decoded input.
        source: the input's name, for locations in errors.

    Returns:
        The grid: one row per line of several words, one free-text row per line of one.

    Raises:
        ParseError: the input exceeds the grid's size limits (checked as the lines are
            split, before a line's words are made cells).
    """
    rows = GridBuilder(source, "plain")
    for number, line in lines(text, source):
        words: list[tuple[str, int]] = []
        for m in _WORD.finditer(line):
            if len(words) == MAX_ROW_CELLS:
                check_cells(MAX_ROW_CELLS + 1, source, Location(line=number))
            words.append((m.group(0), m.start()))
        if not words:
            continue
        location = Location(line=number)
        if len(words) == 1:
            cell = GridCell(words[0][0], Location(line=number, column=1))
            rows.add(GridRow(cells=(cell,), location=location, heading=True))
            continue
        cells = tuple(
            GridCell(word, Location(line=number, column=start + 1)) for word, start in words
        )
        rows.add(GridRow(cells=cells, location=location))
    return rows.build()
