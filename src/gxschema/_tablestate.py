"""What one declaration of a table makes of the rows the mapper routes to the table.

Part of the mapper (:mod:`gxschema._mapper`).  A value cell is first kept as a
:data:`Read` (its column, grid cell, value or error, and whether it was inferred);
the report's :class:`~gxschema.Cell` is built only for the declarations kept, by
:func:`build_report`, which also gathers the unreadable cells into one
:class:`~gxschema.exceptions.CellErrors`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import attrs

from gxschema._cell import How, make_cell
from gxschema._columns import Placed, value_like
from gxschema._construct import constructor
from gxschema._continued import joined_digits
from gxschema._detection import Choice
from gxschema._grid import Grid, GridCell, GridRow
from gxschema._labelindex import ROW_CHARS_KEPT, TableLabels
from gxschema._metadata import read_metadata
from gxschema._report import Cell, Detection, Extra, Paragraph, Report
from gxschema._spec import ColumnSpec, LineSpec, TableSpec
from gxschema._values import Kind, Value, ValueParseError, parse_value
from gxschema.exceptions import CellErrors, ParseError

__all__ = [
    "Read",
    "TableState",
    "build_report",
    "parsed",
    "printed_row",
    "row_extra",
]


Read = tuple[ColumnSpec, GridCell, "Value | ValueParseError", bool]
"""A value cell as one declaration reads it: column, grid cell, value or error, inferred."""


@functools.lru_cache(maxsize=8192)
def parsed(text: str, kind: Kind, unit: str | None) -> Value | ValueParseError:
    """A cell text's value (values are immutable, so readings share it), or the error."""
    try:
        return parse_value(text, kind, unit=unit)
    except ValueParseError as exc:
        return exc.with_traceback(None)


def _cells(table: TableSpec, reads: Mapping[str, Mapping[str, Read]]) -> dict[str, dict[str, Cell]]:
    """A table's report cells, lines in declared order, from the reads kept.

    A value that did not parse is a cell with its raw text and no value.  A cell's
    ``how`` is ``split`` when its value was inferred (cut from run-together digits),
    ``joined`` when its text holds digits wrapped over lines (:func:`joined_digits`,
    which needs a line break), else ``cell``.  One loop, no call per cell: it runs once
    per cell of every report.
    """
    out: dict[str, dict[str, Cell]] = {}
    make = make_cell
    for ln in table.lines:
        line = reads.get(ln.id)
        if line is None:
            continue
        cells: dict[str, Cell] = {}
        for col, (_, cell, value, inferred) in line.items():
            text = cell.text
            if isinstance(value, ValueParseError):
                cells[col] = Cell(
                    raw=text, source=cell.location, inferred=inferred, asides=cell.asides
                )
                continue
            how: How = (
                "split"
                if inferred
                else "joined"
                if "\n" in text and joined_digits(text)
                else "cell"
            )
            cells[col] = make(value, text, cell.location, inferred, how, cell.asides)
        out[ln.id] = cells
    return out


def printed_row(table: str, label: GridCell | None, values: Sequence[GridCell]) -> Extra:
    """A row as printed, kept whole as an extra: its label and its values' texts."""
    return Extra(
        table,
        "row",
        label.text if label is not None else "",
        tuple(c.text for c in values),
        (label or values[0]).location,
    )


def row_extra(table: str, row: GridRow, texts: tuple[str, ...] | None = None) -> Extra | None:
    """A row that holds values but matched no line, whole, as an extra; else None.

    Every cell is kept: the label is the text before the row's first value (its
    non-blank cells joined by a space, a heading path and the line's label), and the
    cells are all the cells after it as printed, a note or an unreadable run of digits
    among the values included.

    Args:
        table: the table id it is kept under.
        row: the row.
        texts: its cells' texts, when the caller has them.
    """
    if texts is None:
        texts = row.texts
    found = _ROW_EXTRAS.get(texts, _NO_EXTRA)
    if found is _NO_EXTRA:
        found = _row_extra(texts)
        if sum(map(len, texts)) <= ROW_CHARS_KEPT:
            if len(_ROW_EXTRAS) >= _ROW_EXTRAS_KEPT:
                _ROW_EXTRAS.clear()
            _ROW_EXTRAS[texts] = found
    if found is None:
        return None
    label, cells, at = found
    return _make_extra(table, "row", label, cells, row.cells[at].location)


_make_extra = constructor(Extra)
_make_paragraph = constructor(Paragraph)
_ROW_EXTRAS: dict[tuple[str, ...], tuple[str, tuple[str, ...], int] | None] = {}
"""A row's texts → its extra's label, cell texts and where it starts (the index of the
cell), or None when it holds no value: it depends on the texts alone, and rows repeat
from report to report."""
_ROW_EXTRAS_KEPT = 4096
_NO_EXTRA = ("", (), -1)


def _row_extra(texts: tuple[str, ...]) -> tuple[str, tuple[str, ...], int] | None:
    """:func:`row_extra`'s label, cell texts and starting cell, from the row's texts."""
    first = next((i for i, t in enumerate(texts) if t.strip() and value_like(t)), None)
    if first is None:
        return None
    before = [i for i in range(first) if texts[i].strip()]
    if not before:
        return "", texts, 0
    last = before[-1]
    return " ".join(texts[i].strip() for i in before), texts[last + 1 :], last


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
    positional: tuple[str, ...] = ()  # labels placed by position, not matched by label
    cells: dict[str, dict[str, Read]] = attrs.field(factory=dict)
    # Accepted lines as printed (sequence number, label cell, value cells).
    rows: list[tuple[int, GridCell | None, tuple[GridCell, ...]]] = attrs.field(factory=list)
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


def _unreadable(grid: Grid, table: TableSpec, line: LineSpec, read: Read) -> ParseError:
    column, cell, error, _ = read
    return ParseError(
        f"table {table.id}, line {line.label!r}, column {column.label!r}: {error}",
        source=grid.source,
        location=cell.location,
    )


def build_report(
    grid: Grid,
    choice: Choice[TableState],
    slots: Mapping[str, Sequence[TableState]],
    extras: Sequence[tuple[int, Extra]],
) -> Report:
    """Build the report from the declarations kept.

    Args:
        grid: the grid read.
        choice: the template kept and the table states it uses.
        slots: every table's states (a table the template lacks is kept as extras).
        extras: the rows no declaration owns, with their sequence numbers.

    Returns:
        The report; extras in document order.

    Raises:
        ParseError: a cell of the tables kept cannot be read; when several cannot, a
            :class:`~gxschema.exceptions.CellErrors` holding one ParseError each.
    """
    spec = choice.spec
    kept = list(extras)
    unreadable: list[tuple[int, ParseError]] = []
    detection = []
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for table in spec.tables:
        state = choice.states.get(table.id)
        if state is not None:
            kept += state.extras
        if state is None or not state.cells:
            detection.append(Detection(table.id, spec.id, "not found in the input"))
            continue
        unreadable += [(n, _unreadable(grid, table, ln, read)) for n, ln, read in state.unreadable]
        tables[table.id] = _cells(table, state.cells)
        detection.append(Detection(table.id, spec.id, choice.reasons[table.id], state.positional))
    for table_id, states in slots.items():
        if table_id not in choice.states:  # a table the chosen template lacks: kept whole
            kept += [
                (n, printed_row(table_id, label, values)) for n, label, values in states[0].rows
            ]
            kept += states[0].extras
    if unreadable:
        unreadable.sort(key=lambda e: e[0])
        errors = [e for _, e in unreadable]
        if len(errors) == 1:
            raise errors[0]
        raise CellErrors(f"{len(errors)} cells cannot be read", errors, source=grid.source)
    kept.sort(key=lambda e: e[0])
    prose = tuple(
        [
            _make_paragraph(row.cells[0].text, row.location)
            for row in grid.rows
            if row.heading and row.cells and row.cells[0].text.strip()
        ]
    )
    return Report(
        template=spec.id,
        tables=tables,
        source=grid.source,
        detection=tuple(detection),
        extras=tuple(e for _, e in kept),
        prose=prose,
        metadata=read_metadata([p.text for p in prose], grid.source, [p.source for p in prose]),
        spec=spec,
    )
