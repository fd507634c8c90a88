"""The neutral grid every reader produces and the mapper consumes.

A reader's only job is to turn its input into rows of text cells that remember where
they came from.  Rows are either table rows (``heading=False``) or free text lines
outside any table (``heading=True``: section headings, titles, prose).  Matching labels
against a template is the mapper's job (:mod:`gxschema._mapper`), the same for every form.
"""

from __future__ import annotations

import attrs

from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = ["MAX_CELLS", "MAX_ROWS", "MAX_ROW_CELLS", "Grid", "GridBuilder", "GridCell", "GridRow"]

MAX_ROWS = 5000
"""More rows than this and the input is refused: a report has a few hundred at most."""
MAX_ROW_CELLS = 100
"""More cells than this in one row and the input is refused."""
MAX_CELLS = 50_000
"""More cells than this in all and the input is refused (it also bounds the work)."""


@attrs.frozen
class GridCell:
    r"""One cell's text and where it was read.

    Readers follow one convention, the one of the tab layout copied out of Word: a cell
    spanning several columns appears once, at its first column; a position covered by a
    cell of a row above (a rowspan, or Word's vertical merge) appears as one empty cell
    with ``continued=True`` for each covering cell.  ``location`` gives the cell's
    position in the source (``cell`` counts grid columns after span expansion).

    Attributes:
        text: the cell's text; line breaks inside the cell are kept as ``\n``.
        location: where it was read.
        colspan: how many grid columns it spans.
        rowspan: how many rows it spans.
        continued: True for the empty stand-in of a cell spanning down from above.
    """

    text: str
    location: Location
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False


@attrs.frozen
class GridRow:
    """One row of cells, or one line of free text (``heading=True``, a single cell)."""

    cells: tuple[GridCell, ...]
    location: Location
    heading: bool = False

    @property
    def texts(self) -> tuple[str, ...]:
        """The cells' texts."""
        return tuple(c.text for c in self.cells)


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
