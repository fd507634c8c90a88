"""The neutral grid every reader produces and the mapper consumes.

A reader's only job is to turn its input into rows of text cells that remember where
they came from.  Rows are either table rows (``heading=False``) or free text lines
outside any table (``heading=True``: section headings, titles, prose).  Matching labels
against a template is the mapper's job (:mod:`gxschema._mapper`), the same for every form.

The same grid is what the writers' layout produces (:mod:`gxschema._writers._layout`)
and what each form's writer serialises, so every form is a codec over it: a writer
turns a grid into a document, a reader a document into a grid.  The layout's cells
also say what they are (a :class:`LaidCell`: its :data:`Role` and, for a value cell,
which report cell it holds); a reader's cells leave both unset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, TypeAlias

import attrs

from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_INPUT_BYTES",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "MAX_ROWS",
    "MAX_ROW_CELLS",
    "RARE_BREAKS",
    "Grid",
    "GridBuilder",
    "GridCell",
    "GridRow",
    "GridTable",
    "LaidCell",
    "Role",
    "check_cells",
    "lines",
]

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Inputs larger than this (bytes, or characters of text) are refused before they are
read; so is a .docx whose document part inflates past it.  The one input cap of every
form."""
MAX_ROWS = 5000
"""More rows than this and the input is refused: a report has a few hundred at most."""
MAX_ROW_CELLS = 100
"""More cells than this in one row and the input is refused."""
MAX_CELLS = 50_000
"""More cells than this in all and the input is refused (it also bounds the work)."""
MAX_CELL_CHARS = 100_000
"""A cell (or a line of free text) longer than this, in characters, and the input is
refused: a report's longest paragraph is a few thousand."""
MAX_LINES = 500_000
"""A text input (tab layout, plain text, Markdown) with more lines than this is refused
as its lines are counted, before any is read into cells."""
MAX_LINE_CHARS = 1_000_000
"""A line of a text input longer than this, in characters, is refused before it is
split into cells."""

# The line breaks of str.splitlines(), so that line numbers agree with it.  All but
# "\n" are rare: a text without them is split with str.find, which is much faster.
RARE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[\n{RARE_BREAKS}]")


def _breaks(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each line break of ``text``, as str.splitlines() sees them."""
    if not any(ch in text for ch in RARE_BREAKS):
        at = text.find("\n")
        while at >= 0:
            yield at, at + 1
            at = text.find("\n", at + 1)
        return
    skip = -1
    for m in _BREAK.finditer(text):
        at = m.start()
        if at == skip:
            continue  # the "\n" of "\r\n"
        if text.startswith("\r\n", at):
            skip = at + 1
            yield at, at + 2
        else:
            yield at, at + 1


def lines(text: str, source: str, *, limits: bool = True) -> Iterator[tuple[int, str]]:
    """Yield ``(number, line)`` for the lines of a text input, refusing it early.

    The lines are those of ``text.splitlines()``, numbered from 1, but found one at a
    time: no list of every line is built, and a line is measured before it is copied.

    Args:
        text: the decoded input.
        source: the input's name, for errors.
        limits: whether to enforce the limits (a sniffer looking at the first lines
            does not).

    Raises:
        ParseError: with ``limits``, a line is over :data:`MAX_LINE_CHARS` characters,
            or the input has over :data:`MAX_LINES` lines.
    """
    start = 0
    number = 0
    end = len(text)
    breaks = _breaks(text)
    while start < end:
        found = next(breaks, None)
        stop, after = found if found is not None else (end, end)
        number += 1
        if limits and number > MAX_LINES:
            raise ParseError(
                f"the input has over {MAX_LINES} lines (the limit); a report has a few thousand",
                source=source,
                location=Location(line=number),
            )
        if limits and stop - start > MAX_LINE_CHARS:
            raise ParseError(
                f"line {number} is {stop - start} characters long, over the limit of "
                f"{MAX_LINE_CHARS}",
                source=source,
                location=Location(line=number),
            )
        yield number, text[start:stop]
        start = after


def check_cells(count: int, source: str, location: Location) -> None:
    """Refuse a row of ``count`` cells before they are built, when over :data:`MAX_ROW_CELLS`.

    Raises:
        ParseError: ``count`` is over the limit (the message names it).
    """
    if count > MAX_ROW_CELLS:
        raise ParseError(
            f"a row has {count} cells or more; a report's rows have far fewer "
            f"(limit {MAX_ROW_CELLS})",
            source=source,
            location=location,
        )


Role: TypeAlias = Literal[
    "title", "section", "paragraph", "caption", "corner", "column", "line", "value"
]
"""What a cell is, as the layout wrote it: the document's ``title``, a ``section``
heading or a ``paragraph`` of text (heading rows); a table's ``caption`` row, its
``corner`` (over the label columns), a ``column`` header (a column's label or group
heading, or the header over all value columns), a ``line`` label (a line's label or
heading), or a ``value``."""


@attrs.frozen
class GridCell:
    r"""One cell's text and where it was read.

    Readers follow one convention, the one of the tab layout copied out of Word: a cell
    spanning several columns appears once, at its first column; a position covered by a
    cell of a row above (a rowspan, or Word's vertical merge) appears as one empty cell
    with ``continued=True`` for each covering cell (carrying the covering cell's
    ``colspan`` where the reader knows it).  ``location`` gives the cell's
    position in the source (``cell`` counts grid columns after span expansion).

    Attributes:
        text: the cell's text; line breaks inside the cell are kept as ``\n``.
        location: where it was read.
        colspan: how many grid columns it spans.
        rowspan: how many rows it spans.
        continued: True for the empty stand-in of a cell spanning down from above.
        asides: text printed in the cell that is not part of it: footnote marks
            (superscripts, subscripts), struck-out and hidden text, in order.  Never
            in ``text``, so never glued onto a number.
    """

    text: str
    location: Location
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False
    asides: tuple[str, ...] = ()

    @property
    def role(self) -> Role | None:
        """What the cell is (see :data:`Role`); None for a cell a reader read."""
        return None

    @property
    def ref(self) -> tuple[str, str, str] | None:
        """The report cell a value cell holds, ``(table, line, column)``; None if unknown."""
        return None


@attrs.frozen
class LaidCell(GridCell):
    """A grid cell that says what it is: as the writers' layout lays a report out.

    Roles are provenance: a reader's cells are plain :class:`GridCell` (whose ``role``
    and ``ref`` are None), so reading pays nothing for them, and every consumer of a
    grid treats both alike.

    Attributes:
        role: what the cell is (see :data:`Role`).
        ref: for a value cell, the report cell it holds: ``(table id, line id, column
            id)``.
    """

    role: Role | None = None
    ref: tuple[str, str, str] | None = None


@attrs.frozen
class GridRow:
    """One row of cells, or one line of free text (``heading=True``, a single cell)."""

    cells: tuple[GridCell, ...]
    location: Location
    heading: bool = False

    @property
    def texts(self) -> tuple[str, ...]:
        """The cells' texts."""
        return tuple([c.text for c in self.cells])


@attrs.frozen
class Grid:
    """Everything a reader found, in document order.

    Attributes:
        rows: table rows and free-text lines.
        source: the input's name.
        form: the input form (``"text"``, ``"html"``, ...).
    """

    rows: tuple[GridRow, ...]
    source: str
    form: str

    def blocks(self) -> Iterator[GridRow | GridTable]:
        """Yield the heading rows and the tables, in document order.

        A table is a run of table rows with the same ``location.table`` (a form that
        does not number its tables gives one table per run of table rows).
        """
        run: list[GridRow] = []
        for row in self.rows:
            if run and (row.heading or row.location.table != run[0].location.table):
                yield GridTable(tuple(run))
                run = []
            if row.heading:
                yield row
            else:
                run.append(row)
        if run:
            yield GridTable(tuple(run))


@attrs.frozen
class GridTable:
    """The rows of one table of a grid, and what its cells' roles tell about it.

    Attributes:
        rows: the table's rows, in order.
    """

    rows: tuple[GridRow, ...]

    @property
    def width(self) -> int:
        """How many grid columns the table covers (the widest row, spans included)."""
        return max((sum(c.colspan for c in row.cells) for row in self.rows), default=0)

    @property
    def header_rows(self) -> int:
        """How many rows (caption and headers) come before the first holding a value.

        0 when the cells have no roles (a grid a reader made).
        """
        for n, row in enumerate(self.rows):
            if any(c.role == "value" for c in row.cells):
                return n
        return 0

    @property
    def id(self) -> str | None:
        """The table id its value cells refer to, if they do."""
        for row in self.rows:
            for cell in row.cells:
                if cell.ref is not None:
                    return cell.ref[0]
        return None


class GridBuilder:
    """Collects rows for a reader and enforces the size limits as it goes.

    Args:
        source: the input's name, for errors.
        form: the input form.
    """

    def __init__(self, source: str, form: str) -> None:
        self.source = source
        self.form = form
        self.rows: list[GridRow] = []
        self.cells = 0

    def add(self, row: GridRow) -> None:
        """Add a row.

        Raises:
            ParseError: a limit is exceeded (the message names it and where).
        """
        if len(row.cells) > MAX_ROW_CELLS:
            raise ParseError(
                f"a row has {len(row.cells)} cells; a report's rows have far fewer "
                f"(limit {MAX_ROW_CELLS})",
                source=self.source,
                location=row.location,
            )
        for cell in row.cells:
            if len(cell.text) > MAX_CELL_CHARS:
                raise ParseError(
                    f"a cell holds {len(cell.text)} characters, over the limit of "
                    f"{MAX_CELL_CHARS}; a report's cells hold far fewer",
                    source=self.source,
                    location=cell.location,
                )
        self.cells += len(row.cells)
        if len(self.rows) >= MAX_ROWS or self.cells > MAX_CELLS:
            raise ParseError(
                f"the input has over {MAX_ROWS} rows or {MAX_CELLS} cells; a report has far fewer",
                source=self.source,
                location=row.location,
            )
        self.rows.append(row)

    def build(self) -> Grid:
        """Return the grid."""
        return Grid(rows=tuple(self.rows), source=self.source, form=self.form)
