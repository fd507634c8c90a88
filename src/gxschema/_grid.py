"""The neutral grid every reader produces and the mapper consumes.

A reader's only job is to turn its input into rows of text cells that remember where
they came from.  Rows are either table rows (``heading=False``) or free text lines
outside any table (``heading=True``: section headings, titles, prose).  Matching labels
against a template is the mapper's job (:mod:`gxschema._mapper`), the same for every form.
"""

from __future__ import annotations

import attrs

from gxschema._report import Location

__all__ = ["Grid", "GridCell", "GridRow"]


@attrs.frozen
class GridCell:
    """One cell's text, after span expansion, and where it was read."""

    text: str
    location: Location


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
