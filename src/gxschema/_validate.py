"""Validation: evaluate every declared constraint and report every violation.

Each constraint ``lhs op rhs`` is decided by the constraint model
(:func:`gxschema._model.status`) on intervals: an exact value is a point, an
approximate one (``19万`` = 190000 ± 5000) an interval, so a rule over approximate values
holds when the intervals allow it (as XBRL Calculations 1.1 does).  A blank or missing
cell is unknown, never silently 0: it counts as 0 for the sums reported, and when the
rule fails with it the status is ``uncertain`` if some admissible value of the unknown
cells (≥ 0 for counts and money) would make the rule hold, ``fail`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

import attrs

from gxschema._cell import Cell
from gxschema._construct import constructor
from gxschema._model import Row, RowStatus, holding_bounds, model, status, table_model
from gxschema._report import Report
from gxschema._resolve import TemplateLike, spec_of
from gxschema._rules import Severity
from gxschema._spec import Constraint, TableSpec
from gxschema._values import Number

__all__ = [
    "CellRef",
    "Status",
    "Violation",
    "cell_ref",
    "evaluate",
    "validate",
    "violation_record",
]

Status = Literal["fail", "uncertain"]

_UNCERTAIN_ZH = "（涉及空白或缺失的单元格，无法确定）"
_UNCERTAIN_EN = " (blank or missing cells are involved, so this is uncertain)"


@attrs.frozen
class CellRef:
    """A cell named in a violation, with its labels and what it holds.

    Attributes:
        line_id: the line id.
        line_label: the line's official label.
        column_id: the column id.
        column_label: the column's official label.
        value: its number, or None when blank or missing.
        raw: the printed text, or None when the input did not contain the cell.
    """

    line_id: str
    line_label: str
    column_id: str
    column_label: str
    value: int | Decimal | None
    raw: str | None


@attrs.frozen(slots=False)
class Violation:
    """One rule broken at one place.

    Attributes:
        rule: the rule id (``C3.balance``).
        severity: ``"error"`` or ``"warning"``.
        status: ``"fail"`` when no admissible value of the cells could satisfy the rule,
            ``"uncertain"`` when blank or missing cells might.
        table: the table id.
        at: the line (line rules), column (column rules) or ``line.column`` it was
            applied to.
        cells: every cell involved, left side first.
        lhs: the left side's value (blank and missing cells counted as 0).
        rhs: the right side's value.
        difference: ``lhs - rhs``.
        tolerance: how far apart the sides may be because of approximate values.
        message_zh: the message in Chinese.
        message_en: the message in English.

    A violation :func:`validate` finds writes its cells, sides and messages when one
    of them is first read (most callers of :func:`validate` read only a few of them),
    from the report's cells as they were read; a report is immutable, so the record is
    the same whenever it is written.
    """

    rule: str
    severity: Severity
    status: Status
    table: str
    at: str
    cells: tuple[CellRef, ...]
    lhs: int | Decimal
    rhs: int | Decimal
    difference: int | Decimal
    tolerance: int | Decimal
    message_zh: str
    message_en: str

    def __getstate__(self) -> dict[str, object]:
        """The record with every part written (for pickle and copy)."""
        d = self.__dict__
        if _RECIPE in d:
            _write_up(d)
        return d


_RECIPE = "_gx_recipe"
"""The key, in a lazily written violation's ``__dict__``, of what writes the rest."""


class _Written:
    """A part of a violation written on first read (its cells, sides and messages).

    A non-data descriptor: once written, the part is in the instance's ``__dict__``,
    which Python reads before it.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Violation | None, owner: type | None = None) -> object:
        if obj is None:
            return self
        d = obj.__dict__
        _write_up(d)
        return d[self.name]


for _name in ("cells", "lhs", "rhs", "difference", "tolerance", "message_zh", "message_en"):
    setattr(Violation, _name, _Written(_name))


def cell_ref(report: Report, table: TableSpec, line_id: str, column_id: str) -> CellRef:
    """A cell of a report named with its labels (value and raw None when it is absent).

    Args:
        report: the report.
        table: the cell's table.
        line_id: its line id.
        column_id: its column id.
    """
    cell = report.cell(table.id, line_id, column_id)
    value = cell.value if cell is not None else None
    return CellRef(
        line_id,
        table.line(line_id).label,
        column_id,
        table.column(column_id).label,
        value.value if isinstance(value, Number) else None,
        cell.raw if cell is not None else None,
    )


def _fmt(n: int | Decimal) -> str:
    if type(n) is int:
        return str(n)
    if isinstance(n, Decimal):
        text = format(n.normalize(), "f") if n == n.to_integral_value() else format(n, "f")
        return text
    return str(n)


def _state(cell: object) -> str:
    """``"n"`` for a cell holding a number, ``"b"`` for a blank one, ``"m"`` for absent."""
    if cell is None:
        return "m"
    return "n" if isinstance(getattr(cell, "value", None), Number) else "b"


def _side(value: int | Decimal, states: list[str], zh: bool) -> str:
    """A side's value as a message shows it.

    Blank (or missing) when none of its cells holds a number, never ``0``; its known
    part ``+ blank`` when some do not.
    """
    unknown = [s for s in states if s != "n"]
    if not unknown:
        return _fmt(value)
    words = ("空白", "blank") if "b" in unknown else ("缺失", "missing")
    word = words[0] if zh else words[1]
    if len(unknown) == len(states):
        return word
    return f"{_fmt(value)} + {word}"


def _where(table: TableSpec, constraint: Constraint, zh: bool) -> str:
    scope = constraint.rule.scope
    if scope == "line":
        return f"{table.label} · {table.line(constraint.at).label}"
    if scope == "column":
        return f"{table.label} · {table.column(constraint.at).label}"
    line_id, column_id = constraint.at.split(".", 1)
    sep = "，" if zh else ", "
    return f"{table.label} · {table.line(line_id).label}{sep}{table.column(column_id).label}"


@attrs.frozen(eq=False)
class _Writeup:
    """What a violation of one constraint always says, whatever the values.

    Attributes:
        constraint: the constraint.
        cells: per cell involved, ``(line id, line label, column id, column label)``.
        where_zh: the place, in Chinese.
        where_en: the place, in English.
        keys: per cell involved, ``(table id, line id, column id)``.
        terms: per side (left, right), its terms as ``(line id, column id, weight)``.
    """

    constraint: Constraint
    cells: tuple[tuple[str, str, str, str], ...]
    where_zh: str
    where_en: str
    keys: tuple[tuple[str, str, str], ...] = ()
    terms: tuple[tuple[tuple[str, str, int], ...], ...] = ()


def _writeup(table: TableSpec, constraint: Constraint) -> _Writeup:
    """The constant part of a constraint's violation record (kept with the table)."""
    kept: dict[int, _Writeup] | None = table.derived.get("writeups")
    if kept is None:
        kept = table.derived.setdefault("writeups", {})
    found = kept.get(id(constraint))
    if found is not None and found.constraint is constraint:
        return found
    lines = {ln.id: ln.label for ln in table.lines}
    columns = {col.id: col.label for col in table.columns}
    involved = constraint.cells()
    found = kept[id(constraint)] = _Writeup(
        constraint,
        tuple((ln, lines[ln], col, columns[col]) for ln, col in involved),
        _where(table, constraint, True),
        _where(table, constraint, False),
        tuple((table.id, ln, col) for ln, col in involved),
        tuple(
            tuple((t.line, t.column, t.weight) for t in side.terms)
            for side in (constraint.lhs, constraint.rhs)
        ),
    )
    return found


def evaluate(report: Report, table: TableSpec, constraint: Constraint) -> Violation | None:
    """Evaluate one constraint on a report.

    Args:
        report: the report.
        table: the constraint's table, from the report's template.
        constraint: the constraint.

    Returns:
        The violation, or None when the constraint holds or names no cell the report has.
    """
    tm = table_model(table)
    row = tm.row_for(constraint)
    return row_violation(report, table, row, status(row, tm.intervals(report)))


def row_violation(
    report: Report,
    table: TableSpec,
    row: Row,
    decided: RowStatus,
    *,
    shared: dict[tuple[str, str, str], CellRef] | None = None,
) -> Violation | None:
    """The violation of a row the model decided (None when it holds).

    Args:
        report: the report.
        table: the row's table.
        row: the row.
        decided: what :func:`gxschema._model.status` said of it.
        shared: as for :func:`violation_record`.

    Returns:
        The record, as :func:`violation_record` writes it.
    """
    if decided == "holds":
        return None
    lines = report.tables.get(table.id, _EMPTY)
    return _record(lines, table, _writeup(table, row.constraint), decided, shared)


_EMPTY: Mapping[str, Mapping[str, Cell]] = MappingProxyType({})


def _sums(
    lines: Mapping[str, Mapping[str, Cell]], w: _Writeup
) -> tuple[int | Decimal, int | Decimal, int | Decimal, list[tuple[str, str] | None]]:
    """A constraint's sides on a table's cells: left, right, tolerance and side texts.

    Unknown cells count as 0 (as :func:`gxschema._model.status` counts them); a side's
    texts (Chinese, English) are None when every cell of it holds a number.
    """
    constraint = w.constraint
    totals: list[int | Decimal] = [constraint.lhs.const, constraint.rhs.const]
    tolerance: int | Decimal = 0
    texts: list[tuple[str, str] | None] = [None, None]
    empty: dict[str, Cell] = {}
    for side, terms in enumerate(w.terms):
        total = totals[side]
        blank = missing = 0
        for line_id, column_id, weight in terms:
            cell = lines.get(line_id, empty).get(column_id)
            if cell is None:
                missing += 1
                continue
            value = cell.value
            if isinstance(value, Number):
                total += weight * value.value
                tolerance += abs(weight) * value.tolerance
            else:
                blank += 1
        totals[side] = total
        if blank or missing:
            states = ["b"] * blank + ["m"] * missing + ["n"] * (len(terms) - blank - missing)
            texts[side] = _side(total, states, True), _side(total, states, False)
    return totals[0], totals[1], tolerance, texts


def violation_record(
    report: Report,
    table: TableSpec,
    constraint: Constraint,
    *,
    lhs: int | Decimal,
    rhs: int | Decimal,
    tolerance: int | Decimal,
    status: Status,
    shared: dict[tuple[str, str, str], CellRef] | None = None,
) -> Violation:
    """Write up a violation already decided: its cells, sides and messages.

    Deciding *whether* a constraint is violated is :func:`evaluate`'s job (and, for
    generated reports, the strategies' own); this only formats the record, so that
    both produce identical records.

    Args:
        report: the report.
        table: the constraint's table.
        constraint: the violated constraint.
        lhs: the left side's value.
        rhs: the right side's value.
        tolerance: the tolerance allowed.
        status: ``"fail"`` or ``"uncertain"``.
        shared: cell references already written for other violations of the same
            report, by ``(table, line, column)``: a cell named by several violations
            is then one (immutable) object.  None: each record writes its own.

    Returns:
        The record.
    """
    cells = report.tables.get(table.id, {})
    w = _writeup(table, constraint)
    known = [
        [_state(cells.get(t.line, {}).get(t.column)) for t in side.terms]
        for side in (constraint.lhs, constraint.rhs)
    ]
    texts: list[tuple[str, str] | None] = [
        _side_texts(value, states) for value, states in ((lhs, known[0]), (rhs, known[1]))
    ]
    v = _record(cells, table, w, status, shared, texts)
    d = v.__dict__
    d["lhs"] = lhs
    d["rhs"] = rhs
    d["difference"] = lhs - rhs
    d["tolerance"] = tolerance
    return v


def _side_texts(value: int | Decimal, states: list[str]) -> tuple[str, str]:
    """A side's value as the Chinese and the English message show it (see :func:`_side`)."""
    if "b" not in states and "m" not in states:
        text = _fmt(value)
        return text, text
    return _side(value, states, True), _side(value, states, False)


_new = object.__new__
_ref = constructor(CellRef)


def _record(
    cells: Mapping[str, Mapping[str, Cell]],
    table: TableSpec,
    w: _Writeup,
    status: Status,
    shared: dict[tuple[str, str, str], CellRef] | None,
    texts: list[tuple[str, str] | None] | None = None,
) -> Violation:
    """A violation of ``w``'s constraint, written when one of its parts is first read.

    Set now: the rule, severity, status, table and place.  The rest (:func:`_write_up`)
    from the table's cells and, when given, each side's value as the messages show it
    (Chinese, English; None when every cell of the side holds a number); without
    ``texts``, the sides are summed from the cells too.
    """
    constraint = w.constraint
    rule = constraint.rule
    v = _new(Violation)
    d = v.__dict__
    d["rule"] = rule.id
    d["severity"] = rule.severity
    d["status"] = status
    d["table"] = table.id
    d["at"] = constraint.at
    d[_RECIPE] = (cells, w, texts, {} if shared is None else shared)
    return v


def _write_up(d: dict[str, Any]) -> None:
    """Write a violation's cells and messages into its ``__dict__`` (once)."""
    recipe = d.get(_RECIPE)
    if recipe is None:
        return
    cells, w, texts, shared = recipe
    constraint = w.constraint
    if texts is None:
        lhs, rhs, tolerance, texts = _sums(cells, w)
        d["lhs"] = lhs
        d["rhs"] = rhs
        d["difference"] = lhs - rhs
        d["tolerance"] = tolerance
    refs = []
    for key, (line_id, line_label, column_id, column_label) in zip(w.keys, w.cells, strict=True):
        ref = shared.get(key)
        if ref is None:
            line = cells.get(line_id)
            cell = line.get(column_id) if line is not None else None
            if cell is None:
                ref = _ref(line_id, line_label, column_id, column_label, None, None)
            else:
                value = cell.value
                ref = _ref(
                    line_id,
                    line_label,
                    column_id,
                    column_label,
                    value.value if isinstance(value, Number) else None,
                    cell.raw,
                )
            shared[key] = ref
        refs.append(ref)
    rule = constraint.rule
    lhs = d["lhs"]
    rhs = d["rhs"]
    difference = _fmt(d["difference"])
    allowed = _fmt(d["tolerance"])
    lhs_zh, lhs_en = texts[0] or (_fmt(lhs),) * 2
    rhs_zh, rhs_en = texts[1] or (_fmt(rhs),) * 2
    zh = rule.zh.format(
        where=w.where_zh,
        lhs=lhs_zh,
        rhs=rhs_zh,
        difference=difference,
        tolerance=allowed,
        lhs_expr=constraint.lhs.expr,
        rhs_expr=constraint.rhs.expr,
    )
    en = rule.en.format(
        where=w.where_en,
        lhs=lhs_en,
        rhs=rhs_en,
        difference=difference,
        tolerance=allowed,
        lhs_expr=constraint.lhs.expr,
        rhs_expr=constraint.rhs.expr,
    )
    if d["status"] == "uncertain":
        zh += _UNCERTAIN_ZH
        en += _UNCERTAIN_EN
    d["cells"] = tuple(refs)
    d["message_zh"] = zh
    d["message_en"] = en
    d.pop(_RECIPE, None)


def validate(
    report: Report,
    *,
    template: TemplateLike | None = None,
    severity: Iterable[Severity] = ("error", "warning"),
) -> list[Violation]:
    """Evaluate every rule of the report's template and return every violation.

    Args:
        report: the report.
        template: the template to check against: an id, a declaration or a spec
            (default: the one the report was read with).
        severity: which severities to report.

    Returns:
        All violations, in table order then declaration order; empty when all hold.

    Raises:
        UnknownTemplateError: the report carries no spec, names a template that is not
            registered, and none was given.
    """
    m = model(spec_of(report, template))
    wanted = set(severity)
    iv = m.intervals(report)
    tables = {t.id: t for t in m.spec.tables}
    out: list[Violation] = []
    shared: dict[tuple[str, str, str], CellRef] = {}
    every = wanted >= {"error", "warning"}
    holding = holding_bounds(m, iv)
    for k, row in enumerate(m.rows):
        if k in holding or (not every and row.severity not in wanted):
            continue
        decided = status(row, iv)
        if decided != "holds":
            violation = row_violation(
                report, tables[row.constraint.table], row, decided, shared=shared
            )
            assert violation is not None
            out.append(violation)
    return out
