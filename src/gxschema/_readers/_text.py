"""Reader for the tab layout of tables copied out of Word or HTML.

A table row is a block of lines ended by an empty line; each cell starts with a tab,
and a line without a leading tab continues the previous cell (a line break inside the
cell).  Merged cells appear once (colspan) or as an empty cell in each continued row
(rowspan), which the mapper handles by matching labels, never positions.  A line
without a tab outside a row is free text: a title, a section heading, prose.
"""

from __future__ import annotations

import re

from gxschema._grid import (
    MAX_CELL_CHARS,
    RARE_BREAKS,
    Grid,
    GridBuilder,
    GridCell,
    GridRow,
    check_cells,
    lines,
)
from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = ["looks_like_tab_layout", "read_tab_layout"]

# A tab at the start of a line, after any of str.splitlines()'s line breaks.
_TAB_LINE = re.compile(f"[\\n{RARE_BREAKS}]\\t")


def looks_like_tab_layout(text: str) -> bool:
    """Tell whether text looks like the tab layout (several lines start with a tab).

    Args:
        text: the decoded input.

    Returns:
        True when at least three lines start with a tab.
    """
    count = int(text.startswith("\t"))
    if not any(ch in text for ch in RARE_BREAKS):
        return count + text.count("\n\t") >= 3
    for _ in _TAB_LINE.finditer(text):
        count += 1
        if count >= 3:
            return True
    return False


def read_tab_layout(text: str, *, source: str = "<text>") -> Grid:
    """Read the tab layout into a grid.

    Args:
        text: the decoded input.
        source: the input's name, for locations in errors.

    Returns:
        The grid: one row per block of tabbed lines, one heading row per free line.

    Raises:
        ParseError: the input exceeds the grid's size limits (checked as the lines are
            split, before a row's cells are built).
    """
    rows = GridBuilder(source, "text")
    cells: list[tuple[list[str], int]] = []  # (lines of the cell, line number)
    start = 0
    size = 0  # characters in the last cell so far

    def close() -> None:
        if cells:
            rows.add(
                GridRow(
                    cells=tuple(
                        GridCell("\n".join(parts), Location(line=n, column=i + 1))
                        for i, (parts, n) in enumerate(cells)
                    ),
                    location=Location(line=start),
                )
            )
            cells.clear()

    for number, line in lines(text, source):
        if line.startswith("\t"):
            if not cells:
                start = number
            # Counted before the cells are made: a row of a million tabs is refused
            # without building a million cells.
            check_cells(len(cells) + line.count("\t") - 1, source, Location(line=number))
            # A line may hold several tab-separated cells; a tab that ends the line
            # (trailing white space of a copy) opens no cell of its own.
            pieces = line.split("\t")[1:]
            if len(pieces) > 1 and not pieces[-1].strip():
                pieces.pop()
            for piece in pieces:
                cells.append(([piece], number))
            size = len(pieces[-1]) if pieces else 0
        elif not line.strip():
            close()
        elif cells:
            size += len(line) + 1
            if size > MAX_CELL_CHARS:
                raise ParseError(
                    f"a cell holds over {MAX_CELL_CHARS} characters (the limit)",
                    source=source,
                    location=Location(line=number),
                )
            cells[-1][0].append(line)
        else:
            rows.add(
                GridRow(
                    cells=(GridCell(line.strip(), Location(line=number, column=1)),),
                    location=Location(line=number),
                    heading=True,
                )
            )
    close()
    return rows.build()
