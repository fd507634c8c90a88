"""The layout step every writer shares: a report and its spec, laid out as merged tables.

:func:`lay_out` turns a report into the one :class:`~gxschema._grid.Grid` that readers
produce too: each table of the :class:`~gxschema.TemplateSpec` as rows of merged cells
with their text, column span and row span, as the official templates print them, in the
grid's span convention (a cell spanning down appears below its first row as a
``continued`` cell).  Each cell also carries its role (title, section heading, caption,
corner, column header, line label, value) and each value cell the report cell it holds,
so that mapping the grid gives the report back with no form in between.  Nothing here
knows an output form, and nothing spells a label: every text comes from the spec
(headings, captions, corners, group headers, line and column labels) or from the report
(the values).

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
from decimal import Decimal
from typing import NamedTuple, TypeAlias, TypeVar

import attrs

from gxschema._grid import Grid, GridCell, GridRow, GridTable, LaidCell, Role
from gxschema._labels import normalize_label
from gxschema._mark import mark_line
from gxschema._report import Cell, Location, Report
from gxschema._spec import ColumnSpec, LineSpec, TableSpec, TemplateSpec
from gxschema._values import PLAIN, Number, ValueParseError, parse_value, render_value

__all__ = [
    "LAYOUT_FORM",
    "cell_text",
    "lay_out",
    "lay_out_table",
    "overview",
    "sections",
    "written",
]

LAYOUT_FORM = "layout"
"""The ``form`` of a grid the layout produced (a reader's grid names its input form)."""

_WAN = attrs.evolve(PLAIN, wan=True)


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


# -- the tiling being built ------------------------------------------------------------


@attrs.frozen
class _Placed:
    """A merged cell placed at its first row and column, before it becomes grid cells."""

    text: str
    role: Role
    colspan: int = 1
    rowspan: int = 1
    ref: tuple[str, str, str] | None = None
    cell: tuple[LineSpec, ColumnSpec] | None = None  # for a value: its line and column


class _Tiling:
    """Cells placed at (row, column) positions, checked to tile a rectangle exactly."""

    def __init__(self) -> None:
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        self.cells: dict[tuple[int, int], _Placed] = {}

    def place(self, row: int, column: int, cell: _Placed) -> None:
        for r in range(row, row + cell.rowspan):
            for c in range(column, column + cell.colspan):
                if (r, c) in self.owner:
                    raise AssertionError(f"layout overlap at row {r}, column {c}")
                self.owner[r, c] = (row, column)
        self.cells[row, column] = cell

    def shifted(self, rows: int) -> _Tiling:
        out = _Tiling()
        for (r, c), cell in self.cells.items():
            out.place(r + rows, c, cell)
        return out

    def rows(self, width: int, table: int) -> _Skeleton:
        """The grid's rows: each cell where it starts, a continued cell where it spans down.

        A value cell is left as a :class:`_ValueSlot`, filled in per report.
        """
        height = 1 + max((r for r, _ in self.owner), default=-1)
        out: list[tuple[tuple[GridCell | _ValueSlot, ...], Location]] = []
        for r in range(height):
            cells: list[GridCell | _ValueSlot] = []
            for c in range(width):
                if (r, c) not in self.owner:
                    raise AssertionError(f"layout gap at row {r}, column {c}")
                origin = self.owner[r, c]
                if origin[1] != c:
                    continue  # inside a column span
                p = self.cells[origin]
                where = Location(table=table, row=r, cell=c)
                if p.cell is not None:
                    assert p.ref is not None  # a value cell has both
                    cells.append(_ValueSlot(p.cell[0], p.cell[1], where, p.ref))
                elif origin[0] != r:
                    cells.append(
                        LaidCell("", where, colspan=p.colspan, continued=True, role=p.role)
                    )
                else:
                    cells.append(LaidCell(p.text, where, p.colspan, p.rowspan, role=p.role))
            out.append((tuple(cells), Location(table=table, row=r)))
        return tuple(out)


class _ValueSlot(NamedTuple):
    """Where a value cell goes in a laid-out table, before its text is known."""

    line: LineSpec
    column: ColumnSpec
    location: Location
    ref: tuple[str, str, str]


_Skeleton: TypeAlias = tuple[tuple[tuple[GridCell | _ValueSlot, ...], Location], ...]


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
    grid: _Tiling, columns: Sequence[ColumnSpec], top: int, left: int, height: int
) -> None:
    """Place the column group headers and labels in a block ``height`` rows tall."""
    for level in range(_depth(columns) - 1):
        for start, length, text in _runs(columns, level):
            grid.place(top + level, left + start, _Placed(text, "column", colspan=length))
    for i, column in enumerate(columns):
        depth = len(column.path)
        grid.place(top + depth, left + i, _Placed(column.label, "column", rowspan=height - depth))


# -- the tables ----------------------------------------------------------------------------

Values: TypeAlias = Callable[[LineSpec, ColumnSpec], str]
Asides: TypeAlias = Callable[[LineSpec, ColumnSpec], tuple[str, ...]]


def _value(table: TableSpec, line: LineSpec, column: ColumnSpec) -> _Placed:
    return _Placed("", "value", ref=(table.id, line.id, column.id), cell=(line, column))


def _grid_table(table: TableSpec, lines: Sequence[LineSpec]) -> tuple[_Tiling, int]:
    grid = _Tiling()
    columns = table.columns
    labels = _depth(lines)
    col_depth = _depth(columns)
    head = col_depth + (1 if table.header else 0)
    grid.place(0, 0, _Placed(table.corner, "corner", colspan=labels, rowspan=head))
    if table.header:
        grid.place(0, labels, _Placed(table.header, "column", colspan=len(columns)))
    _column_block(grid, columns, head - col_depth, labels, col_depth)
    for level in range(labels - 1):
        for start, length, text in _runs(lines, level):
            grid.place(head + start, level, _Placed(text, "line", rowspan=length))
    for i, line in enumerate(lines):
        depth = len(line.path)
        grid.place(head + i, depth, _Placed(line.label, "line", colspan=labels - depth))
        for j, column in enumerate(columns):
            grid.place(head + i, labels + j, _value(table, line, column))
    return grid, head


def _flat_table(table: TableSpec, lines: Sequence[LineSpec]) -> tuple[_Tiling, int]:
    grid = _Tiling()
    columns = table.columns
    n = len(columns)
    width = n * len(lines)
    # No label column to stand over: the corner and the header get full-width rows.
    top = 0
    heads: tuple[tuple[str, Role], ...] = ((table.corner, "corner"), (table.header, "column"))
    for text, role in heads:
        if text:
            grid.place(top, 0, _Placed(text, role, colspan=width))
            top += 1
    line_depth = _depth(lines)
    head = top + line_depth + _depth(columns)
    for level in range(line_depth - 1):
        for start, length, text in _runs(lines, level):
            grid.place(top + level, start * n, _Placed(text, "line", colspan=length * n))
    for i, line in enumerate(lines):
        depth = len(line.path)
        x = i * n
        grid.place(top + depth, x, _Placed(line.label, "line", colspan=n))
        _column_block(grid, columns, top + depth + 1, x, head - (top + depth + 1))
        for j, column in enumerate(columns):
            grid.place(head, x + j, _value(table, line, column))
    return grid, head


def _has_caption(table: TableSpec) -> bool:
    """Whether the table needs a caption row: its label is not said by its section."""
    label = normalize_label(table.label)
    return bool(label) and label not in normalize_label(table.section)


def lay_out_table(
    table: TableSpec,
    lines: Sequence[LineSpec] | None = None,
    values: Values | None = None,
    *,
    index: int = 0,
    asides: Asides | None = None,
) -> GridTable:
    """Lay one table out as grid rows of merged cells, each with its role.

    Args:
        table: the table's spec.
        lines: the lines to lay out, in the spec's order (default: all).
        values: the text of the value cell of a line and column (default: empty).
        index: the table's number in the document (its cells' ``location.table``).
        asides: the asides of the value cell of a line and column (footnote marks,
            struck-out and hidden text read with it; default: none), which the HTML
            and Word writers print as superscripts.

    Returns:
        The table's rows: every row covers the table's width, a cell spanning down
        appearing below its first row as a ``continued`` cell (the grid convention).

    Raises:
        ValueError: no line to lay out.
    """
    chosen = table.lines if lines is None else tuple(lines)
    if not chosen:
        raise ValueError(f"table {table.id!r}: no line to lay out")
    text: Values = values if values is not None else (lambda _line, _column: "")
    aside: Asides = asides if asides is not None else (lambda _line, _column: ())
    return GridTable(
        tuple(
            GridRow(
                tuple(
                    LaidCell(
                        text(c.line, c.column),
                        c.location,
                        asides=aside(c.line, c.column),
                        role="value",
                        ref=c.ref,
                    )
                    if isinstance(c, _ValueSlot)
                    else c
                    for c in cells
                ),
                where,
            )
            for cells, where in _skeleton(table, chosen, index)
        )
    )


# The layout of a table and its chosen lines, without values: the same for every report
# of a template, so it is made once.  Keyed by the table's identity (kept alive by the
# entry, so that the id is not reused) and the lines' ids.
_SKELETONS: dict[tuple[int, tuple[str, ...], int], tuple[TableSpec, _Skeleton]] = {}
_MAX_SKELETONS = 512


def _skeleton(table: TableSpec, lines: tuple[LineSpec, ...], index: int) -> _Skeleton:
    key = (id(table), tuple(line.id for line in lines), index)
    hit = _SKELETONS.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    build = _flat_table if table.layout == "flat" else _grid_table
    grid, _ = build(table, lines)
    width = 1 + max(c for _, c in grid.owner)
    if _has_caption(table):
        grid = grid.shifted(1)
        grid.place(0, 0, _Placed(table.label, "caption", colspan=width))
    skeleton = grid.rows(width, index)
    if len(_SKELETONS) >= _MAX_SKELETONS:
        _SKELETONS.clear()
    _SKELETONS[key] = (table, skeleton)
    return skeleton


def _values_of(report: Report, table: str) -> Values:
    def values(line: LineSpec, column: ColumnSpec) -> str:
        return cell_text(report.cell(table, line.id, column.id), column)

    return values


def _asides_of(report: Report, table: str) -> Asides:
    def asides(line: LineSpec, column: ColumnSpec) -> tuple[str, ...]:
        cell = report.cell(table, line.id, column.id)
        return () if cell is None else cell.asides

    return asides


def overview(report: Report, spec: TemplateSpec) -> list[tuple[str, str]]:
    """The text the writers state the declared claims in: ``(section heading, paragraph)``.

    Each claim with a ``wording`` and a ``section`` (:func:`gxschema.dsl.claim`) whose
    cells the report holds, in its declared reading, is stated once, in declaration
    order; the claims of one section make one sentence (``收到政府信息公开申请2件，
    办理2件，…。``), so that the text read back repeats the tables.  A claim on a missing,
    blank, approximate or negative cell is not stated.

    Args:
        report: the report.
        spec: its template's spec.

    Returns:
        One paragraph per section that states a claim, in the order first declared.
    """
    said: dict[str, list[str]] = {}
    for claim in spec.claims:
        if not claim.wording or not claim.section or claim.table not in report.tables:
            continue
        total: int | Decimal = 0
        for term in claim.readings[0].terms:
            cell = report.cell(claim.table, term.line, term.column)
            if cell is None or not isinstance(cell.value, Number) or cell.value.approx:
                break
            total += term.weight * cell.value.value
        else:
            if total >= 0 and total == int(total):
                said.setdefault(claim.section, []).append(
                    claim.wording.replace("{n}", str(int(total)))
                )
    return [(section, "，".join(words) + "。") for section, words in said.items()]


def _heading(text: str, role: Role, line: int) -> GridRow:
    where = Location(line=line)
    return GridRow((LaidCell(text, where, role=role),), where, heading=True)


def written(report: Report, spec: TemplateSpec) -> Iterator[tuple[TableSpec, list[LineSpec]]]:
    """Yield each table the layout writes and the lines it writes, in the spec's order.

    The tables and lines the report holds; a flat table whole; every line of every
    table when the report holds no table (the blank form).

    Args:
        report: the report.
        spec: its template's spec.
    """
    blank_form = not report.tables
    for table in spec.tables:
        present = report.tables.get(table.id)
        if present is None and not blank_form:
            continue
        whole = blank_form or table.layout == "flat"
        lines = [ln for ln in table.lines if whole or ln.id in (present or {})]
        if lines:
            yield table, lines


def lay_out(report: Report, spec: TemplateSpec) -> Grid:
    """Lay out a report as the grid every form's writer writes.

    The grid holds the title (a heading row of role ``"title"``: the report's own title
    when it has one, else the template's), then each section's heading (role
    ``"section"``), the text that states the template's claims in that section
    (:func:`overview`: a heading row of role ``"paragraph"``) and its tables, in the
    spec's order (see :func:`sections`); last, the line naming the template and the
    written cells the report lacks or had inferred (:mod:`gxschema._mark`), which the
    reader honours.

    Args:
        report: the report.
        spec: its template's spec.

    Returns:
        The grid: the tables and lines the report holds (every one, empty, when it
        holds none); each cell (a :class:`~gxschema._grid.LaidCell`) says what it is
        and each value cell's ``ref`` which report cell it holds.

    Raises:
        ValueError: a value cannot be written as text (see :func:`cell_text`).
    """
    rows: list[GridRow] = []
    title = report.metadata.title or spec.title
    if title:
        rows.append(_heading(title, "title", 1))
    stated = dict(overview(report, spec))
    index = 0
    for heading, tables in sections(report, spec):
        if heading:
            rows.append(_heading(heading, "section", len(rows) + 1))
        paragraph = stated.pop(heading, None)
        if paragraph is not None:
            rows.append(_heading(paragraph, "paragraph", len(rows) + 1))
        for table, lines in tables:
            laid = lay_out_table(
                table,
                lines,
                _values_of(report, table.id),
                index=index,
                asides=_asides_of(report, table.id),
            )
            rows += laid.rows
            index += 1
    rows.append(_heading(_mark_of(report, spec), "paragraph", len(rows) + 1))
    return Grid(rows=tuple(rows), source="<layout>", form=LAYOUT_FORM)


def _mark_of(report: Report, spec: TemplateSpec) -> str:
    """The gxschema line (:mod:`gxschema._mark`): the template, absent and inferred cells."""
    missing: list[tuple[str, str, str]] = []
    inferred: list[tuple[str, str, str]] = []
    if report.tables:  # the blank form lists nothing: its cells are all BLANK
        for table, lines in written(report, spec):
            for line in lines:
                for column in table.columns:
                    cell = report.cell(table.id, line.id, column.id)
                    if cell is None:
                        missing.append((table.id, line.id, column.id))
                    elif cell.inferred:
                        inferred.append((table.id, line.id, column.id))
    return mark_line(spec.id, missing, inferred)


Section: TypeAlias = tuple[str, list[tuple[TableSpec, list[LineSpec]]]]
"""A section as written: its heading and the tables (with their lines) under it."""


def sections(report: Report, spec: TemplateSpec) -> list[Section]:
    """The sections a report is written in, in order: each heading and its tables.

    This is the one place the writers' section headings come from.  Every section the
    template declares (``一、总体情况`` … ``六、其他需要报告的事项``) is written, with
    or without tables, so that a rendered report lacks none; a table whose section
    the template does not declare is written under its own heading, where it falls.

    Args:
        report: the report.
        spec: its template's spec.

    Returns:
        ``(heading, [(table, lines), …])`` per section; the heading is empty for
        tables declared without one.
    """
    out: list[Section] = []
    by_number: dict[str, Section] = {}
    for section in spec.sections:
        entry: Section = (section.title, [])
        out.append(entry)
        by_number[section.number] = entry
    current: Section | None = None
    for table, lines in written(report, spec):
        declared = spec.section_of(table)
        if declared is not None:
            by_number[declared.number][1].append((table, lines))
            continue
        if current is None or current[0] != table.section:
            current = (table.section, [])
            out.append(current)
        current[1].append((table, lines))
    return out
