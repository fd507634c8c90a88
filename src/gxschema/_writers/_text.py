r"""Writer for the tab layout, the form :mod:`gxschema._readers._text` reads.

It writes any :class:`~gxschema._grid.Grid`.  Each heading row (the title, then each
section heading) is an untabbed line, each followed by an empty
line.  A table row is a block of lines followed by an empty line; each cell starts a
line with a tab.  A cell spanning several columns appears once; a position a cell of a
row above spans down into appears as one empty cell (``\t`` alone) per covering cell,
as Word's copy of a vertically merged cell does.

A line break inside a cell's text (``\n``) continues the cell on a line without a tab.
The layout cannot hold some texts, which are written with white space changed so that
the value reads back the same: a tab inside a cell is written as a space, a line
break other than ``\n`` (``\r\n``, ``\r``, ``\v``, ``\f``, U+2028 …) as ``\n``, and
blank lines inside a cell (which would end the row) and line breaks at its end are
dropped.  Every other text, the raw text of every cell the text reader read included,
is written exactly.
"""

from __future__ import annotations

from gxschema._grid import Grid, GridTable

__all__ = ["cell_lines", "write_text"]


def cell_lines(text: str) -> list[str]:
    r"""Return the lines a cell's text is written as (the first gets the leading tab).

    Args:
        text: the cell's text.

    Returns:
        The lines: the reader joins them with ``\n`` and gets the text back, or the
        text with its white space changed as the module docstring says.
    """
    lines = text.replace("\t", " ").splitlines() or [""]
    return [lines[0], *(line for line in lines[1:] if line.strip())]


def _free(text: str) -> list[str]:
    """A free-text line (one line, not starting with a tab) and the empty line after it."""
    line = " ".join(text.split())
    return [line, ""] if line else []


def _table(table: GridTable) -> list[str]:
    out: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            first, *rest = cell_lines("" if cell.continued else cell.text)
            out.append("\t" + first)
            out.extend(rest)
        out.append("")
    return out


def write_text(grid: Grid) -> str:
    """Write a grid (a laid-out report) in the tab layout.

    Args:
        grid: the grid.

    Returns:
        The text, ending with a newline.
    """
    out: list[str] = []
    for block in grid.blocks():
        if isinstance(block, GridTable):
            out += _table(block)
        else:
            out += _free(block.cells[0].text if block.cells else "")
    return "\n".join(out) + "\n"
