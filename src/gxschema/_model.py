"""The constraint model of a compiled spec: the one place a rule is evaluated.

A :class:`~gxschema.TemplateSpec` says what the tables and rules are; the model says
what the engines need to compute with them, derived once and cached on the spec:

* the cell index: every declared cell ``(table, line, column)`` numbered in document
  order, with its kind and unit;
* every constraint as a linear :class:`Row` ``Σ w·cell + const  op  0`` over those
  numbers, keeping the :class:`~gxschema._spec.Constraint` (and so the rule, its id and
  severity) it came from;
* the bounds of each cell.  A rule over one cell (the built-in ``N.int``, or any the
  template declares) is a *bound*: that, its arity, is how the per-cell rule is
  recognised, here and nowhere else.  An unknown (blank or missing) cell may take any
  value its kind allows: at least 0 for counts and money, anything for deltas;
* the *components* of the error-severity rules over two or more cells (cells the rules
  tie together, and those rules), and the layout facts diagnosis ranks by (totals,
  neighbouring cells, printed lines and columns);
* :func:`status`, which decides a row on the :class:`Intervals` of a report's cells
  through the rule-kind registry (:mod:`gxschema._rules`): ``holds``, ``fail``, or
  ``uncertain`` when only unknown cells stand between the rule and holding; and
  :func:`holding_bounds`, which decides the one-cell rows a group at a time, as
  :func:`status` would decide each.

Why this module is long: it is the one place a rule is evaluated, so every way of
deciding a row (one at a time, or a group of bounds at once) lives here, beside the
model they read.

A table's model (:func:`table_model`, cached on the :class:`~gxschema._spec.TableSpec`)
numbers that table's cells from 0; the template's (:func:`model`) lays the tables end
to end, so cell ``i`` of table ``t`` is ``offset[t] + i``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

import attrs

from gxschema._rules import INF, RuleKind, rule_kind
from gxschema._values import Kind, Number

if TYPE_CHECKING:
    from gxschema._report import Report
    from gxschema._spec import Constraint, TableSpec, TemplateSpec

__all__ = [
    "Component",
    "Intervals",
    "Key",
    "Model",
    "PrintedLine",
    "Row",
    "RowStatus",
    "TableModel",
    "holding_bounds",
    "model",
    "status",
    "table_model",
]

Key: TypeAlias = tuple[str, str, str]  # (table, line, column)
Bound: TypeAlias = int | Fraction | None  # None: no limit
RowStatus = Literal["holds", "fail", "uncertain"]
M = TypeVar("M")


@attrs.frozen(eq=False)
class Row:
    """One constraint as a linear relation ``Σ w·cell + const  op  0``.

    Attributes:
        terms: ``(cell index, weight)`` pairs, zero weights dropped, in the order the
            cells first appear in the constraint.
        const: the constant (left side's minus right side's).
        kind: the rule kind of its comparison.
        constraint: the constraint it came from (its rule, table and place).
    """

    terms: tuple[tuple[int, int], ...]
    const: int
    kind: RuleKind
    constraint: Constraint

    @property
    def op(self) -> str:
        """The comparison."""
        return self.kind.op

    @property
    def severity(self) -> str:
        """The rule's severity, ``"error"`` or ``"warning"``."""
        return self.constraint.rule.severity

    @property
    def is_bound(self) -> bool:
        """Whether the row is over one cell, a bound on it (as ``N.int`` is)."""
        return len(self.terms) == 1

    def shifted(self, offset: int) -> Row:
        """The same row with every cell index moved by ``offset``."""
        if not offset:
            return self
        return attrs.evolve(self, terms=tuple((i + offset, w) for i, w in self.terms))


@attrs.frozen(eq=False)
class Intervals:
    """What a report says of each cell of a model, as intervals.

    A printed number is the interval ``[lo, hi]`` (a point when exact, ``value ±
    tolerance`` when approximate).  A blank or missing cell is *unknown*: any value its
    kind allows (``[0, ∞)`` for counts and money, anything for deltas); ``lo`` and
    ``hi`` then hold 0, what the sums reported in a violation count it as.

    Attributes:
        kinds: per cell, its kind (what values an unknown cell may take).
        lo: per cell, the least value (0 for unknown cells).
        hi: per cell, the greatest value (0 for unknown cells).
        unknown: per cell, whether it is blank or missing.
        present: per cell, whether the report has it (printed or blank).
    """

    kinds: Sequence[Kind]
    lo: list[Any]  # Num: int with Decimal (a report's) or with Fraction (diagnosis'), not both
    hi: list[Any]
    unknown: list[bool]
    present: list[bool]

    @classmethod
    def blank(cls, kinds: Sequence[Kind]) -> Intervals:
        """Cells of these kinds, all missing."""
        n = len(kinds)
        return cls(kinds, [0] * n, [0] * n, [True] * n, [False] * n)

    def set(self, i: int, value: Any, tolerance: Any = 0) -> None:
        """Make cell ``i`` a printed number (``value ± tolerance``)."""
        self.lo[i] = value - tolerance
        self.hi[i] = value + tolerance
        self.unknown[i] = False
        self.present[i] = True


@attrs.frozen(eq=False)
class PrintedLine:
    """A printed line or column of a table, as cell indices.

    Attributes:
        table: the table.
        axis: ``"row"`` (a line) or ``"column"``.
        id: the line or column id.
        cells: its cells, in order.
    """

    table: TableSpec
    axis: Literal["row", "column"]
    id: str
    cells: tuple[int, ...]

    @property
    def label(self) -> str:
        """The line's or column's official label."""
        if self.axis == "row":
            return self.table.line(self.id).label
        return self.table.column(self.id).label


@attrs.frozen(eq=False)
class Component:
    """Cells the error rules tie together, and those rules.

    Attributes:
        cells: the cells, in index order.
        rows: indices into :attr:`Model.ties`.
    """

    cells: tuple[int, ...]
    rows: tuple[int, ...]


def _kind_bounds(kind: Kind) -> tuple[Bound, Bound]:
    return (None, None) if kind is Kind.DELTA else (0, None)


def _rows(spec: TableSpec, index: dict[tuple[str, str], int]) -> tuple[Row, ...]:
    rows = []
    for c in spec.constraints:
        weights, const = c.linear()
        terms = tuple((index[key], w) for key, w in weights.items())
        rows.append(Row(terms, const, rule_kind(c.op), c))
    return tuple(rows)


@attrs.frozen(eq=False)
class TableModel:
    """The model of one table; cells are numbered from 0, line by line.

    Attributes:
        table: the table.
        keys: per cell, ``(line, column)``.
        kinds: per cell, the column's kind.
        units: per cell, the column's unit.
        rows: every constraint of the table, in declaration order.
    """

    table: TableSpec
    keys: tuple[tuple[str, str], ...]
    kinds: tuple[Kind, ...]
    units: tuple[str | None, ...]
    rows: tuple[Row, ...]

    @cached_property
    def index(self) -> dict[tuple[str, str], int]:
        """``(line, column)`` → cell number."""
        return {k: i for i, k in enumerate(self.keys)}

    @cached_property
    def _row_of(self) -> dict[int, Row]:
        return {id(r.constraint): r for r in self.rows}

    def row_for(self, constraint: Constraint) -> Row:
        """The row of a constraint over this table's cells (its own, or one built)."""
        row = self._row_of.get(id(constraint))
        if row is not None and row.constraint is constraint:
            return row
        weights, const = constraint.linear()
        terms = tuple((self.index[key], w) for key, w in weights.items())
        return Row(terms, const, rule_kind(constraint.op), constraint)

    def intervals(self, report: Report) -> Intervals:
        """What a report says of this table's cells (see :meth:`Model.intervals`)."""
        iv = Intervals.blank(self.kinds)
        self.fill(iv, report, 0)
        return iv

    @cached_property
    def places(self) -> dict[str, dict[str, int]]:
        """Line id → column id → cell number (:attr:`index` grouped by line)."""
        out: dict[str, dict[str, int]] = {}
        for k, (line, column) in enumerate(self.keys):
            out.setdefault(line, {})[column] = k
        return out

    def fill(self, iv: Intervals, report: Report, offset: int) -> None:
        """Write the report's cells of this table into ``iv``, from cell ``offset`` on."""
        lines = report.tables.get(self.table.id)
        if not lines:
            return
        places = self.places
        lo, hi, unknown, present = iv.lo, iv.hi, iv.unknown, iv.present
        for line, cells in lines.items():
            columns = places.get(line)
            if columns is None:
                continue
            for column, cell in cells.items():
                k = columns.get(column)
                if k is None:
                    continue
                k += offset
                value = cell.value
                if isinstance(value, Number):  # as Intervals.set, inlined
                    lo[k] = value.value - value.tolerance
                    hi[k] = value.value + value.tolerance
                    unknown[k] = False
                present[k] = True

    def line_rows(self, line: str, severity: str = "error") -> tuple[Row, ...]:
        """The rows of the rules applied to one line (row rules), of one severity."""
        return tuple(
            r
            for r in self.rows
            if r.constraint.rule.scope == "line"
            and r.constraint.at == line
            and r.severity == severity
        )


def _kept(derived: dict[str, Any], build: Callable[[], M]) -> M:
    """What ``build`` makes, made once and kept in a spec's ``derived`` slot."""
    found: M | None = derived.get("model")
    if found is None:
        found = derived["model"] = build()
    return found


def table_model(spec: TableSpec) -> TableModel:
    """Return the model of a table (built once, kept with the spec).

    Args:
        spec: the table.

    Returns:
        Its model.
    """
    return _kept(spec.derived, lambda: build_table_model(spec))


def build_table_model(spec: TableSpec) -> TableModel:
    """Build the model of a table (:func:`table_model` keeps it with the spec)."""
    keys = tuple((ln.id, col.id) for ln, col in spec.cells())
    kinds = tuple(col.kind for _, col in spec.cells())
    units = tuple(col.unit for _, col in spec.cells())
    index = {k: i for i, k in enumerate(keys)}
    return TableModel(spec, keys, kinds, units, _rows(spec, index))


@attrs.frozen(eq=False)
class Model:
    """The model of a template: its tables' models laid end to end.

    Attributes:
        spec: the template.
        tables: the tables' models, in document order.
        offsets: per table, the index of its first cell.
        keys: per cell, ``(table, line, column)``.
        table_of: per cell, its table.
        kinds: per cell, the column's kind.
        units: per cell, the column's unit.
        rows: every constraint, in table then declaration order.
        derived: what an engine derives once from the model and keeps with it (the
            strategies' integer solutions), by the engine's key.
    """

    spec: TemplateSpec
    tables: tuple[TableModel, ...]
    offsets: tuple[int, ...]
    keys: tuple[Key, ...]
    table_of: tuple[TableSpec, ...]
    kinds: tuple[Kind, ...]
    units: tuple[str | None, ...]
    rows: tuple[Row, ...]
    derived: dict[str, object] = attrs.field(factory=dict)

    @cached_property
    def index(self) -> dict[Key, int]:
        """``(table, line, column)`` → cell number."""
        return {k: i for i, k in enumerate(self.keys)}

    @cached_property
    def errors(self) -> tuple[Row, ...]:
        """The error-severity rows."""
        return tuple(r for r in self.rows if r.severity == "error")

    @cached_property
    def ties(self) -> tuple[Row, ...]:
        """The error-severity rows over two or more cells (the others are bounds)."""
        return tuple(r for r in self.errors if not r.is_bound)

    @cached_property
    def bounds_of(self) -> tuple[tuple[Row, ...], ...]:
        """Per cell, the error-severity rows over it alone (its bounds)."""
        out: list[list[Row]] = [[] for _ in self.keys]
        for row in self.errors:
            if row.is_bound:
                out[row.terms[0][0]].append(row)
        return tuple(tuple(x) for x in out)

    @cached_property
    def _bounds(self) -> tuple[tuple[Bound, ...], tuple[Bound, ...]]:
        n = len(self.keys)
        low: list[Bound] = [None] * n
        high: list[Bound] = [None] * n
        for row in self.errors:
            if not row.is_bound:
                continue
            ((i, w),) = row.terms
            edge = Fraction(-row.const, w)
            edge_ = int(edge) if edge.denominator == 1 else edge
            lower = row.kind.lower if w > 0 else row.kind.upper
            upper = row.kind.upper if w > 0 else row.kind.lower
            if lower:
                cur = low[i]
                low[i] = edge_ if cur is None else max(cur, edge_)
            if upper:
                cur = high[i]
                high[i] = edge_ if cur is None else min(cur, edge_)
        return tuple(low), tuple(high)

    @property
    def low(self) -> tuple[Bound, ...]:
        """Per cell, the least value the error bounds allow (None: no limit)."""
        return self._bounds[0]

    @property
    def high(self) -> tuple[Bound, ...]:
        """Per cell, the greatest value the error bounds allow (None: no limit)."""
        return self._bounds[1]

    def has_default_bounds(self, i: int) -> bool:
        """Whether cell ``i``'s bounds are exactly what its kind implies."""
        return (self.low[i], self.high[i]) == _kind_bounds(self.kinds[i])

    @cached_property
    def rows_of(self) -> tuple[tuple[int, ...], ...]:
        """Per cell, the indices into :attr:`ties` of the rows it is in."""
        out: list[list[int]] = [[] for _ in self.keys]
        for r, row in enumerate(self.ties):
            for i, _ in row.terms:
                out[i].append(r)
        return tuple(tuple(x) for x in out)

    @cached_property
    def _components(self) -> tuple[tuple[int, ...], tuple[Component, ...]]:
        n = len(self.keys)
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.ties:
            first = find(row.terms[0][0])
            for i, _ in row.terms:
                parent[find(i)] = first
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        component = [0] * n
        components: list[Component] = []
        for members in groups.values():
            for i in members:
                component[i] = len(components)
            rows = sorted({r for i in members for r in self.rows_of[i]})
            components.append(Component(tuple(members), tuple(rows)))
        return tuple(component), tuple(components)

    @property
    def component(self) -> tuple[int, ...]:
        """Per cell, the index of its component."""
        return self._components[0]

    @property
    def components(self) -> tuple[Component, ...]:
        """The components of the error rules over two or more cells."""
        return self._components[1]

    @cached_property
    def total(self) -> tuple[bool, ...]:
        """Per cell, whether it is a total: alone on one side of an equality with a sum."""
        out = [False] * len(self.keys)
        for row in self.ties:
            c = row.constraint
            if not (row.kind.upper and row.kind.lower):  # only equalities have totals
                continue
            for one, other in ((c.lhs, c.rhs), (c.rhs, c.lhs)):
                if len(one.terms) == 1 and len(other.terms) >= 2:
                    t = one.terms[0]
                    out[self.index[(c.table, t.line, t.column)]] = True
        return tuple(out)

    @cached_property
    def _layout(
        self,
    ) -> tuple[tuple[tuple[int, ...], ...], tuple[PrintedLine, ...], tuple[tuple[int, int], ...]]:
        neighbours: list[tuple[int, ...]] = []
        lines: list[PrintedLine] = []
        line_of: list[tuple[int, int]] = [(0, 0)] * len(self.keys)
        for tm, offset in zip(self.tables, self.offsets, strict=True):
            table = tm.table
            width = len(table.columns)
            grid = [[offset + a * width + b for b in range(width)] for a in range(len(table.lines))]
            base = len(lines)
            for a, ln in enumerate(table.lines):
                lines.append(PrintedLine(table, "row", ln.id, tuple(grid[a])))
            for b, col in enumerate(table.columns):
                lines.append(PrintedLine(table, "column", col.id, tuple(g[b] for g in grid)))
            for a, cells in enumerate(grid):
                for b, i in enumerate(cells):
                    near = [
                        grid[a2][b2]
                        for a2, b2 in ((a, b - 1), (a, b + 1), (a - 1, b), (a + 1, b))
                        if 0 <= a2 < len(grid) and 0 <= b2 < width
                    ]
                    neighbours.append(tuple(near))
                    line_of[i] = (base + a, base + len(table.lines) + b)
        return tuple(neighbours), tuple(lines), tuple(line_of)

    @property
    def neighbours(self) -> tuple[tuple[int, ...], ...]:
        """Per cell, the cells left, right, above and below it in its table."""
        return self._layout[0]

    @property
    def lines(self) -> tuple[PrintedLine, ...]:
        """Every printed line and column: per table, its lines then its columns."""
        return self._layout[1]

    @property
    def line_of(self) -> tuple[tuple[int, int], ...]:
        """Per cell, the indices in :attr:`lines` of its line and its column."""
        return self._layout[2]

    def intervals(self, report: Report) -> Intervals:
        """What a report says of every cell, as intervals.

        Args:
            report: the report (cells the model does not know are ignored).

        Returns:
            Exact numbers as points, approximate ones as ``value ± tolerance``, blank
            and missing cells unknown.
        """
        iv = Intervals.blank(self.kinds)
        for tm, offset in zip(self.tables, self.offsets, strict=True):
            tm.fill(iv, report, offset)
        return iv


def build_model(spec: TemplateSpec) -> Model:
    """Build the model of a template (:func:`model` keeps it with the spec)."""
    tables = tuple(table_model(t) for t in spec.tables)
    offsets: list[int] = []
    keys: list[Key] = []
    table_of: list[TableSpec] = []
    rows: list[Row] = []
    for tm in tables:
        offsets.append(len(keys))
        rows.extend(r.shifted(len(keys)) for r in tm.rows)
        keys.extend((tm.table.id, line, column) for line, column in tm.keys)
        table_of.extend(tm.table for _ in tm.keys)
    return Model(
        spec=spec,
        tables=tables,
        offsets=tuple(offsets),
        keys=tuple(keys),
        table_of=tuple(table_of),
        kinds=tuple(k for tm in tables for k in tm.kinds),
        units=tuple(u for tm in tables for u in tm.units),
        rows=tuple(rows),
    )


def model(spec: TemplateSpec) -> Model:
    """Return the model of a template (built once, kept with the spec).

    Args:
        spec: the template.

    Returns:
        Its model.
    """
    return _kept(spec.derived, lambda: build_model(spec))


def status(row: Row, iv: Intervals) -> RowStatus:
    """Decide a row on intervals: whether its rule holds, fails, or might hold.

    The rule *holds* when it can hold with every cell in its interval and unknown cells
    read as 0; otherwise it is *uncertain* when some admissible value of the unknown
    cells (at least 0 for counts and money, anything for deltas) would make it hold,
    and *fails* when none would.  A row none of whose cells the report has holds:
    there is nothing to check.  This is the one place a rule is decided; the test on
    ``lhs - rhs`` is the rule kind's (:meth:`gxschema._rules.RuleKind.holds`).

    Args:
        row: the row.
        iv: the intervals, indexed as the row's cells are.

    Returns:
        ``"holds"``, ``"fail"`` or ``"uncertain"``.
    """
    lo: Any = row.const  # Num; Any because Decimal and Fraction never meet here
    hi: Any = row.const
    raise_ = lower = False
    present = False
    kinds, lows, highs, unknown, printed = iv.kinds, iv.lo, iv.hi, iv.unknown, iv.present
    delta = Kind.DELTA
    for i, w in row.terms:
        if printed[i]:
            present = True
        if unknown[i]:
            if kinds[i] is delta:
                raise_ = lower = True
            elif w > 0:
                raise_ = True
            else:
                lower = True
            continue
        if w > 0:
            lo += w * lows[i]
            hi += w * highs[i]
        else:
            lo += w * highs[i]
            hi += w * lows[i]
    if not present:
        return "holds"
    kind = row.kind
    if kind.holds(lo, hi):
        return "holds"
    if (raise_ or lower) and kind.holds(-INF if lower else lo, INF if raise_ else hi):
        return "uncertain"
    return "fail"


_BoundGroup = tuple[int, int, RuleKind, tuple[int, ...], tuple[int, ...]]


def _bound_groups(m: Model) -> tuple[_BoundGroup, ...]:
    """The model's rows over one cell, grouped by weight, constant and kind (kept with it).

    Each group is ``(weight, const, kind, row positions, cell indices)``.
    """
    found = m.derived.get("bound_groups")
    if found is not None:
        return found  # type: ignore[return-value]
    groups: dict[tuple[int, int, str], tuple[list[int], list[int]]] = {}
    kinds: dict[str, RuleKind] = {}
    for k, row in enumerate(m.rows):
        if row.is_bound:
            ((i, w),) = row.terms
            kinds[row.op] = row.kind
            positions, cells = groups.setdefault((w, row.const, row.op), ([], []))
            positions.append(k)
            cells.append(i)
    out = tuple(
        (w, const, kinds[op], tuple(positions), tuple(cells))
        for (w, const, op), (positions, cells) in groups.items()
    )
    m.derived["bound_groups"] = out
    return out


def holding_bounds(m: Model, iv: Intervals) -> frozenset[int] | set[int]:
    """The positions of the one-cell rows that hold, decided a group at a time.

    A group of rows ``w·x + const op 0`` over different cells holds as a whole when the
    rule holds at the group's extreme interval ends (blank and missing cells at 0, as
    :func:`status` first tries them): then :func:`status` says
    ``holds`` of each.  A group that does not is left to :func:`status`, row by row.
    """
    holding: set[int] = set()
    lo, hi = iv.lo, iv.hi
    for w, const, kind, positions, cells in _bound_groups(m):
        if not cells:
            continue
        if kind.upper:
            top = max(map(lo.__getitem__, cells)) if w > 0 else min(map(hi.__getitem__, cells))
            if const + w * top > 0:
                continue
        if kind.lower:
            end = min(map(hi.__getitem__, cells)) if w > 0 else max(map(lo.__getitem__, cells))
            if const + w * end < 0:
                continue
        holding.update(positions)
    return holding
