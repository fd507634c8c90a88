"""Reader for the tab layout of tables copied out of Word or HTML.

A table row is a block of lines ended by an empty line; each cell starts with a tab,
and a line without a leading tab continues the previous cell (a line break inside the
cell).  Merged cells appear once (colspan) or as an empty cell in each continued row
(rowspan), which the mapper handles by matching labels, never positions.  A line
without a tab outside a row is free text: a title, a section heading, prose.
"""

from __future__ import annotations

from gxschema._grid import Grid, GridBuilder, GridCell, GridRow
from gxschema._report import Location

__all__ = ["looks_like_tab_layout", "read_tab_layout"]


def looks_like_tab_layout(text: str) -> bool:
    """Tell whether text looks like the tab layout (several lines start with a tab).

    Args:
        text: the decoded input.

    Returns:
        True when at least three lines start with a tab.
    """
    count = 0
    for line in text.splitlines():
        if line.startswith("\t"):
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
        ParseError: the input exceeds the grid's size limits.
    """
    rows = GridBuilder(source, "text")
    cells: list[tuple[list[str], int]] = []  # (lines of the cell, line number)
    start = 0

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

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            if not cells:
                start = number
            # A line may hold several tab-separated cells; a tab that ends the line
            # (trailing white space of a copy) opens no cell of its own.
            pieces = line.split("\t")[1:]
            if len(pieces) > 1 and not pieces[-1].strip():
                pieces.pop()
            for piece in pieces:
                cells.append(([piece], number))
        elif not line.strip():
            close()
        elif cells:
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
