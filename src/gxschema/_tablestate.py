"""What one declaration of a table makes of the rows the mapper routes to the table.

Part of the mapper (:mod:`gxschema._mapper`).  A value cell is first kept as a
:data:`Read` (its column, grid cell, value or error, and whether it was inferred);
the report's :class:`~gxschema.Cell` is built only for the declarations kept.
"""

from __future__ import annotations

import functools

import attrs

from gxschema._columns import Placed, value_like
from gxschema._grid import GridCell, GridRow
from gxschema._labelindex import TableLabels
from gxschema._report import Cell, Extra
from gxschema._spec import ColumnSpec, LineSpec, TableSpec
from gxschema._values import Kind, Value, ValueParseError, parse_value

__all__ = ["Read", "TableState", "parsed", "row_extra", "to_cell"]

Read = tuple[ColumnSpec, GridCell, "Value | ValueParseError", bool]
"""A value cell as one declaration reads it: column, grid cell, value or error, inferred."""


@functools.lru_cache(maxsize=8192)
def parsed(text: str, kind: Kind, unit: str | None) -> Value | ValueParseError:
    """A cell text's value (values are immutable, so readings share it), or the error."""
    try:
        return parse_value(text, kind, unit=unit)
    except ValueParseError as exc:
        return exc.with_traceback(None)


def to_cell(read: Read) -> Cell:
    """The report's cell for a value cell read."""
    _, cell, value, inferred = read
    if isinstance(value, ValueParseError):
        return Cell(raw=cell.text, source=cell.location, inferred=inferred)
    return Cell(value=value, raw=cell.text, source=cell.location, inferred=inferred)


def row_extra(table: str, row: GridRow) -> Extra | None:
    """A row that holds values but matched no line, whole, as an extra; else None."""
    cells = row.cells
    if not any(c.text.strip() and value_like(c.text) for c in cells):
        return None
    start = len(cells)
    while start > 0 and value_like(cells[start - 1].text):
        start -= 1
    label = next((c for c in reversed(cells[:start]) if c.text.strip()), None)
    rest = cells[start:] if label is not None else cells
    return Extra(
        table,
        "row",
        label.text if label is not None else "",
        tuple(c.text for c in rest),
        (label or rest[0]).location,
    )


@attrs.define
class TableState:
    """What one declaration of a table made of the rows routed to the table.

    Every list of extras, accepted rows and unreadable cells carries the mapper's
    sequence number, so the report lists them in document order.
    """

    labels: TableLabels
    header_rows: list[GridRow] = attrs.field(factory=list)
    layout: list[Placed] | None = None
    layout_fixed: bool = False  # set once a data row was read with the layout
    layout_rows: int = -1  # how many header rows the layout was resolved from
    layout_note: str = ""
    cells: dict[str, dict[str, Read]] = attrs.field(factory=dict)
    rows: list[tuple[int, Extra]] = attrs.field(factory=list)  # accepted lines, as printed
    matched: int = 0
    fuzzy: list[str] = attrs.field(factory=list)
    header_hits: int = 0
    header_misses: int = 0
    unreadable: list[tuple[int, LineSpec, Read]] = attrs.field(factory=list)
    extras: list[tuple[int, Extra]] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    context: tuple[str, ...] = ()

    @property
    def spec(self) -> TableSpec:
        """The declaration."""
        return self.labels.table

    @property
    def errors(self) -> int:
        """How many of its cells cannot be read."""
        return len(self.unreadable)

    def score(self, row_extras: int) -> float | None:
        """How well the table's labels fit this declaration; None when it was not found.

        Args:
            row_extras: rows of the table no declaration of it knows.
        """
        if not self.cells:
            return None
        missing = len(self.spec.lines) - len(self.cells)
        extras = row_extras + sum(1 for _, e in self.extras if e.axis == "row")
        return (
            self.matched
            - 0.5 * len(self.fuzzy)
            - 2 * missing
            # A header whose labels the declaration does not know is strong evidence
            # against it: weigh misses above hits.
            + self.header_hits
            - 2 * self.header_misses
            - 2 * extras
            - 2 * self.errors
        )
