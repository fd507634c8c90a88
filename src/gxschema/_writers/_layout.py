"""The layout step every writer shares: a report and its spec, laid out as merged tables.

:func:`lay_out` turns each table of a :class:`~gxschema.TemplateSpec` into a
:class:`LaidTable`: rows of cells with their text, column span and row span, as the
official templates print them.  Nothing here knows an output form, and nothing spells a
label: every text comes from the spec (headings, captions, corners, group headers,
line and column labels) or from the report (the values).

A grid table (``layout="grid"``) is laid out as

* a caption row spanning the table, when the table's label is not already said by its
  section heading (the ``第二十条第（x）项`` tables of section 二);
* the header rows: the ``corner`` over the label columns, spanning every header row;
  the ``header`` spanning every value column, when the table has one; then the
  columns' group headers (their ``path``) over the column labels, a column with fewer
  group levels than the deepest spanning down to the last header row;
* one row per line: its headings (its ``path``), each spanning down the consecutive
  lines that share it, then its label, spanning right over the label columns a
  shallower line leaves free; then its values.

A flat table (``layout="flat"``) prints all its lines side by side: its corner and its
header, when it has them, each in a row spanning the table (it has no label column);
header rows with the lines' headings and labels over their blocks of columns, then each
block's column labels (spanning down to the data row when the line has fewer heading
levels than the deepest); then ONE data row of values.

Which tables and lines are laid out: those the report holds, so that an absent table or
line (unknown) is not written as blank cells, which would read back as BLANK.  A flat
table is laid out whole, since its lines are blocks of one printed row that cannot be
left out of it (and a reader takes the lines its header does not name in the template's
order).  A report with no table at all is laid out as the blank form, every table with
empty cells.  A cell absent from a line that is laid out is written empty.  Rows and
columns the template does not declare (``report.extras``) are not written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Literal, TypeAlias, TypeVar

import attrs

from gxschema._labels import normalize_label
from gxschema._report import Cell, Report
from gxschema._spec import ColumnSpec, LineSpec, TableSpec, TemplateSpec
from gxschema._values import PLAIN, Number, ValueParseError, parse_value, render_value

__all__ = [
    "LaidCell",
    "LaidReport",
    "LaidSection",
    "LaidTable",
    "Role",
    "Slot",
    "cell_text",
    "lay_out",
    "lay_out_table",
]

Role: TypeAlias = Literal["caption", "corner", "header", "label", "value"]
"""What a laid-out cell is: a caption row, the corner, a column or line header, a line
label or heading (left of the values), or a value."""

_WAN = attrs.evolve(PLAIN, wan=True)


@attrs.frozen
class LaidCell:
    r"""One merged cell of a laid-out table.

    Attributes:
        text: what it says (line breaks as ``\n``).
        colspan: how many grid columns it covers.
        rowspan: how many rows it covers.
        role: what it is (see :data:`Role`).
    """

    text: str
    colspan: int = 1
    rowspan: int = 1
    role: Role = "value"


@attrs.frozen
class Slot:
    """A cell as one row sees it: where it starts, or where it continues from above.

    Attributes:
        cell: the cell.
        covered: True when the cell started in a row above and spans down into this
            row (a rowspan continuation); the slot then stands at the cell's first
            grid column and covers its ``colspan`` columns.
    """

    cell: LaidCell
    covered: bool = False


@attrs.frozen
class LaidTable:
    """A table laid out as rows of merged cells.

    Attributes:
        id: the table id.
        width: how many grid columns every row covers.
        header_rows: how many rows (from the top, the caption row included) are
            header rows rather than data rows.
        rows: per row, in grid-column order, the cells starting in it and the cells
            spanning down into it from above, so that each row's slots cover exactly
            ``width`` columns.
    """

    id: str
    width: int
    header_rows: int
    rows: tuple[tuple[Slot, ...], ...]


@attrs.frozen
class LaidSection:
    """A section heading and the tables under it.

    Attributes:
        heading: the section heading (empty when the tables declare none).
        tables: its tables, in document order.
    """

    heading: str
    tables: tuple[LaidTable, ...]


@attrs.frozen
class LaidReport:
    """A whole report laid out: a title and its sections.

    Attributes:
        title: the title line.
        sections: the sections, in document order.
    """

    title: str
    sections: tuple[LaidSection, ...]


# -- cell texts ---------------------------------------------------------------------------


def cell_text(cell: Cell | None, column: ColumnSpec) -> str:
    """Return the text a value cell is written with.

    The raw text when the cell has one and it reads back as the cell's value (so that
    the text as printed survives); otherwise the value written plainly (an approximate
    number as ``19万``); an absent cell is empty.

    Args:
        cell: the report's cell, or None when the report does not hold it.
        column: its column, which says how the value is written.

    Returns:
        The text.

    Raises:
        ValueError: the value cannot be written as text of the column's kind (a
            tolerance no ``万``/``亿`` form gives, approximate money).
    """
    if cell is None:
        return ""
    if cell.raw:
        try:
            if parse_value(cell.raw, column.kind, unit=column.unit) == cell.value:
                return cell.raw
        except ValueParseError:
            pass
    value = cell.value
    style = _WAN if isinstance(value, Number) and value.approx else PLAIN
    return render_value(value, column.kind, unit=column.unit, style=style)


# -- the grid being built ----------------------------------------------------------------


class _Grid:
    """Cells placed at (row, column) positions, checked to tile a rectangle exactly."""

    def __init__(self) -> None:
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        self.cells: dict[tuple[int, int], LaidCell] = {}

    def place(self, row: int, column: int, cell: LaidCell) -> None:
        for r in range(row, row + cell.rowspan):
            for c in range(column, column + cell.colspan):
                if (r, c) in self.owner:
                    raise AssertionError(f"layout overlap at row {r}, column {c}")
                self.owner[r, c] = (row, column)
        self.cells[row, column] = cell

    def shifted(self, rows: int) -> _Grid:
        out = _Grid()
        for (r, c), cell in self.cells.items():
            out.place(r + rows, c, cell)
        return out

    def rows(self, width: int) -> tuple[tuple[Slot, ...], ...]:
        height = 1 + max((r for r, _ in self.owner), default=-1)
        out: list[tuple[Slot, ...]] = []
        for r in range(height):
            slots: list[Slot] = []
            for c in range(width):
                if (r, c) not in self.owner:
                    raise AssertionError(f"layout gap at row {r}, column {c}")
                origin = self.owner[r, c]
                if origin[1] != c:
                    continue  # inside a column span
                cell = self.cells[origin]
                slots.append(Slot(cell, covered=origin[0] != r))
            out.append(tuple(slots))
        return tuple(out)


T_ = TypeVar("T_", LineSpec, ColumnSpec)


def _runs(items: Sequence[T_], level: int) -> Iterator[tuple[int, int, str]]:
    """Yield (start, length, heading) for each run of consecutive items sharing a heading.

    Items share the heading at ``level`` when their paths agree down to that level.
    """
    i = 0
    while i < len(items):
        path = items[i].path
        if len(path) <= level:
            i += 1
            continue
        j = i + 1
        while j < len(items) and items[j].path[: level + 1] == path[: level + 1]:
            j += 1
        yield i, j - i, path[level]
        i = j


def _depth(items: Sequence[LineSpec] | Sequence[ColumnSpec]) -> int:
    """The number of heading levels plus one (the label's own level)."""
    return 1 + max((len(item.path) for item in items), default=0)


def _column_block(
    grid: _Grid, columns: Sequence[ColumnSpec], top: int, left: int, height: int
) -> None:
    """Place the column group headers and labels in a block ``height`` rows tall."""
    for level in range(_depth(columns) - 1):
        for start, length, text in _runs(columns, level):
            grid.place(top + level, left + start, LaidCell(text, colspan=length, role="header"))
    for i, column in enumerate(columns):
        depth = len(column.path)
        grid.place(
            top + depth, left + i, LaidCell(column.label, rowspan=height - depth, role="header")
        )


# -- the tables ----------------------------------------------------------------------------

Values: TypeAlias = Callable[[LineSpec, ColumnSpec], str]


def _grid_table(table: TableSpec, lines: Sequence[LineSpec], values: Values) -> tuple[_Grid, int]:
    grid = _Grid()
    columns = table.columns
    labels = _depth(lines)
    col_depth = _depth(columns)
    head = col_depth + (1 if table.header else 0)
    grid.place(0, 0, LaidCell(table.corner, colspan=labels, rowspan=head, role="corner"))
    if table.header:
        grid.place(0, labels, LaidCell(table.header, colspan=len(columns), role="header"))
    _column_block(grid, columns, head - col_depth, labels, col_depth)
    for level in range(labels - 1):
        for start, length, text in _runs(lines, level):
            grid.place(head + start, level, LaidCell(text, rowspan=length, role="label"))
    for i, line in enumerate(lines):
        depth = len(line.path)
        grid.place(head + i, depth, LaidCell(line.label, colspan=labels - depth, role="label"))
        for j, column in enumerate(columns):
            grid.place(head + i, labels + j, LaidCell(values(line, column)))
    return grid, head


def _flat_table(table: TableSpec, lines: Sequence[LineSpec], values: Values) -> tuple[_Grid, int]:
    grid = _Grid()
    columns = table.columns
    n = len(columns)
    width = n * len(lines)
    # No label column to stand over: the corner and the header get full-width rows.
    top = 0
    heads: tuple[tuple[str, Role], ...] = ((table.corner, "corner"), (table.header, "header"))
    for text, role in heads:
        if text:
            grid.place(top, 0, LaidCell(text, colspan=width, role=role))
            top += 1
    line_depth = _depth(lines)
    head = top + line_depth + _depth(columns)
    for level in range(line_depth - 1):
        for start, length, text in _runs(lines, level):
            grid.place(top + level, start * n, LaidCell(text, colspan=length * n, role="header"))
    for i, line in enumerate(lines):
        depth = len(line.path)
        x = i * n
        grid.place(top + depth, x, LaidCell(line.label, colspan=n, role="header"))
        _column_block(grid, columns, top + depth + 1, x, head - (top + depth + 1))
        for j, column in enumerate(columns):
            grid.place(head, x + j, LaidCell(values(line, column)))
    return grid, head


def _has_caption(table: TableSpec) -> bool:
    """Whether the table needs a caption row: its label is not said by its section."""
    label = normalize_label(table.label)
    return bool(label) and label not in normalize_label(table.section)


def lay_out_table(
    table: TableSpec, lines: Sequence[LineSpec] | None = None, values: Values | None = None
) -> LaidTable:
    """Lay one table out as rows of merged cells.

    Args:
        table: the table's spec.
        lines: the lines to lay out, in the spec's order (default: all).
        values: the text of the value cell of a line and column (default: empty).

    Returns:
        The laid-out table.

    Raises:
        ValueError: no line to lay out.
    """
    chosen = table.lines if lines is None else tuple(lines)
    if not chosen:
        raise ValueError(f"table {table.id!r}: no line to lay out")
    text: Values = values if values is not None else (lambda _line, _column: "")
    build = _flat_table if table.layout == "flat" else _grid_table
    grid, header_rows = build(table, chosen, text)
    width = 1 + max(c for _, c in grid.owner)
    if _has_caption(table):
        grid = grid.shifted(1)
        grid.place(0, 0, LaidCell(table.label, colspan=width, role="caption"))
        header_rows += 1
    return LaidTable(id=table.id, width=width, header_rows=header_rows, rows=grid.rows(width))


def _values_of(report: Report, table: str) -> Values:
    def values(line: LineSpec, column: ColumnSpec) -> str:
        return cell_text(report.cell(table, line.id, column.id), column)

    return values


def lay_out(report: Report, spec: TemplateSpec) -> LaidReport:
    """Lay out a report: its title, then each section's heading and tables.

    Args:
        report: the report.
        spec: its template's spec.

    Returns:
        The laid-out report: the tables and lines the report holds (every one, empty,
        when it holds none), in the spec's order.

    Raises:
        ValueError: a value cannot be written as text (see :func:`cell_text`).
    """
    blank_form = not report.tables
    sections: list[tuple[str, list[LaidTable]]] = []
    for table in spec.tables:
        rows = report.tables.get(table.id)
        if rows is None and not blank_form:
            continue
        whole = blank_form or table.layout == "flat"
        lines = [ln for ln in table.lines if whole or ln.id in (rows or {})]
        if not lines:
            continue
        laid = lay_out_table(table, lines, _values_of(report, table.id))
        if not sections or sections[-1][0] != table.section:
            sections.append((table.section, []))
        sections[-1][1].append(laid)
    return LaidReport(
        title=spec.title,
        sections=tuple(LaidSection(heading, tuple(tables)) for heading, tables in sections),
    )
