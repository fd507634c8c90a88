"""The compiled spec: the one immutable model every engine reads.

:func:`gxschema._template.compile_template` turns a template (a group of declared table
classes) into a :class:`TemplateSpec`: tables with their lines and columns (ids, labels,
aliases, headings, kinds, units) and every rule instantiated cell by cell as a
:class:`Constraint` — a relation between two integer-weighted sums of cells.  Readers,
writers, the validator, the docs and the command line read this, never the declaration
classes (a table spec keeps its class only for the typed view and the JSON hooks).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, Literal

import attrs

from gxschema._expr import Op
from gxschema._labels import normalize_label
from gxschema._rules import Severity
from gxschema._values import Kind

__all__ = [
    "NONNEGATIVE",
    "ClaimSpec",
    "ColumnSpec",
    "Constraint",
    "LineSpec",
    "RuleSpec",
    "SectionSpec",
    "Side",
    "TableSpec",
    "TemplateSpec",
    "Term",
]


@attrs.frozen
class ColumnSpec:
    """A column of a table: id, label, aliases, the headings above it, what it holds.

    Attributes:
        id: the column id in reports (``natural_person``).
        label: the official label (``自然人``).
        aliases: other spellings that mean this column.
        path: the group headers above it, outermost first (``法人或其他组织``).
        kind: what its cells hold (:class:`~gxschema.Kind`).
        unit: for money, the unit values are expressed in.
        doc: a note for the reference.
        notes: words that, in a note printed beside a value, say it is this column's.
    """

    id: str
    label: str
    aliases: tuple[str, ...]
    path: tuple[str, ...]
    kind: Kind
    unit: str | None
    doc: str = ""
    notes: tuple[str, ...] = ()

    @cached_property
    def keys(self) -> frozenset[str]:
        """The normalised label and aliases, for matching."""
        return frozenset(normalize_label(t) for t in (self.label, *self.aliases))


@attrs.frozen
class LineSpec:
    """A line (data row) of a table: id, label, aliases and the headings it sits under.

    Attributes:
        id: the line id in reports (``r3_7``).
        label: the official label (``7.属于行政执法案卷``).
        aliases: other spellings that mean this line.
        path: the headings it sits under, outermost first.
        doc: a note for the reference.
    """

    id: str
    label: str
    aliases: tuple[str, ...]
    path: tuple[str, ...]
    doc: str = ""

    @cached_property
    def keys(self) -> frozenset[str]:
        """The normalised label and aliases, for matching."""
        return frozenset(normalize_label(t) for t in (self.label, *self.aliases))


@attrs.frozen
class Term:
    """``weight × cell(line, column)``.

    Attributes:
        line: the line id.
        column: the column id.
        weight: a non-zero integer.
    """

    line: str
    column: str
    weight: int


@attrs.frozen
class Side:
    """One side of a constraint: a weighted sum of cells plus a constant.

    Attributes:
        terms: the weighted cells.
        const: the constant.
        expr: the side as declared, selectors expanded to the fields they chose.
    """

    terms: tuple[Term, ...]
    const: int = 0
    expr: str = ""


@attrs.frozen
class RuleSpec:
    """A declared rule as the spec holds it.

    Attributes:
        id: the stable id (``C3.balance``).
        severity: ``"error"`` or ``"warning"``.
        op: ``"=="``, ``"<="`` or ``">="``.
        relation: the rule as written, e.g. ``new + carried_in == r7_total + carried_out``.
        scope: ``"line"`` (a row rule, applied to each line), ``"column"`` (a table rule,
            applied to each column) or ``"cell"`` (applied to each cell).
        zh: the Chinese message template.
        en: the English message template.
        doc: a note for the reference.
        name: the attribute it is declared under (what a variant drops), or ``""``
            for the built-in N.int.
        owner: the class that declares it (a columns class for line rules, a table
            class for column rules).
    """

    id: str
    severity: Severity
    op: Op
    relation: str
    scope: Literal["line", "column", "cell"]
    zh: str
    en: str
    doc: str = ""
    name: str = ""
    owner: str = ""


NONNEGATIVE = RuleSpec(
    id="N.int",
    severity="error",
    op=">=",
    relation="cell >= 0",
    scope="cell",
    zh="{where}：计数和金额不能为负数（{lhs}）",
    en="{where}: counts and amounts cannot be negative ({lhs})",
    doc="Every count and money cell is non-negative; counts are "
    "also whole numbers, which the reader enforces when it parses the cell.",
)
"""The built-in rule applied to every cell of a count or money column."""


@attrs.frozen
class Constraint:
    """One rule applied at one place: ``lhs op rhs`` over cells of one table.

    Attributes:
        rule: the rule.
        table: the table id.
        at: the line id (line rules), column id (column rules) or ``line.column``.
        lhs: the left side.
        rhs: the right side.
    """

    rule: RuleSpec
    table: str
    at: str
    lhs: Side
    rhs: Side

    @property
    def op(self) -> Op:
        """The comparison."""
        return self.rule.op

    def linear(self) -> tuple[dict[tuple[str, str], int], int]:
        """Return the linear form ``Σ w·cell + c  op  0`` (weights by (line, column)).

        Returns:
            The weights (zero weights removed) and the constant.
        """
        weights: dict[tuple[str, str], int] = {}
        for sign, side in ((1, self.lhs), (-1, self.rhs)):
            for t in side.terms:
                key = (t.line, t.column)
                weights[key] = weights.get(key, 0) + sign * t.weight
        return {k: w for k, w in weights.items() if w}, self.lhs.const - self.rhs.const

    def cells(self) -> tuple[tuple[str, str], ...]:
        """Every cell the constraint involves, left side first, without repeats."""
        seen: dict[tuple[str, str], None] = {}
        for side in (self.lhs, self.rhs):
            for t in side.terms:
                seen.setdefault((t.line, t.column), None)
        return tuple(seen)


@attrs.frozen
class SectionSpec:
    """One of a report's numbered sections (``一、总体情况`` … ``六、其他需要报告的事项``).

    A section is found in a report's text by its number and one of its keywords, so that
    the longer titles agencies print (``五、政府信息公开工作存在的主要问题及改进情况``)
    are still recognised.

    Attributes:
        number: its number as printed (``"五"``).
        title: the official heading, verbatim, number included (``"五、存在的主要问题及改进情况"``).
        keywords: any of these, after the number, identifies the heading.
        prose: whether the section is free text (一, 五, 六) rather than tables; a prose
            section without text is worth a warning.
    """

    number: str
    title: str
    keywords: tuple[str, ...]
    prose: bool = False


@attrs.frozen
class ClaimSpec:
    """A narrative claim: words of the prose that repeat a number of one table.

    Attributes:
        id: the stable claim id (``T.received``).
        table: the table id.
        column: the column the lines are read in.
        phrases: regular expressions for the words that introduce the number.
        units: the measure words that must follow the number.
        readings: what the number may repeat: the declared cells first, then the
            alternatives (``also=``); each a sum of cells, printed in ``expr``.
        wording: how the writers state it, ``{n}`` standing for the number.
        section: the heading of the section the writers state it in.
        share: the cells a percentage printed after the number is a share of.
        share_id: the id of that percentage's check.
        doc: a note for the reference.
        name: the attribute it is declared under (what a variant amends or drops).
        owner: the table class that declares it.
    """

    id: str
    table: str
    column: str
    phrases: tuple[str, ...]
    units: tuple[str, ...]
    readings: tuple[Side, ...]
    wording: str = ""
    section: str = ""
    share: Side | None = None
    share_id: str = ""
    doc: str = ""
    name: str = ""
    owner: str = ""


@attrs.frozen
class TableSpec:
    """A compiled table: lines × columns, the rules and their constraints.

    Attributes:
        id: the table id (``s3``, ``s2.art20_1``).
        label: the caption or title.
        section: the section heading it sits in.
        corner: the header text above the line labels.
        header: a header spanning all value columns.
        layout: ``"grid"`` or ``"flat"`` (all lines printed side by side in one row).
        lines: the lines, in order.
        columns: the columns, in order.
        rules: the rules, row rules first, then table rules, then N.int.
        constraints: every rule applied at every place it holds.
        doc: a note for the reference.
        claims: the narrative claims on its cells, in declaration order.
        class_name: the name of the table class that declares it.
        columns_name: the name of the columns class that gives its columns.
        declaration: the table class itself (not compared): the typed view of the
            table and the source of its JSON hooks.
    """

    id: str
    label: str
    section: str
    corner: str
    header: str
    layout: Literal["grid", "flat"]
    lines: tuple[LineSpec, ...]
    columns: tuple[ColumnSpec, ...]
    rules: tuple[RuleSpec, ...]
    constraints: tuple[Constraint, ...]
    doc: str = ""
    claims: tuple[ClaimSpec, ...] = ()
    class_name: str = ""
    columns_name: str = ""
    declaration: type | None = attrs.field(default=None, eq=False, repr=False)
    derived: dict[str, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )
    """What engines derive from the spec once and keep with it (the constraint model of
    :func:`gxschema.spec.model`); not part of the spec: neither compared nor hashed."""

    def line(self, id: str) -> LineSpec:
        """Return the line with this id.

        Raises:
            KeyError: no such line.
        """
        for item in self.lines:
            if item.id == id:
                return item
        raise KeyError(f"table {self.id!r} has no line {id!r}")

    def column(self, id: str) -> ColumnSpec:
        """Return the column with this id.

        Raises:
            KeyError: no such column.
        """
        for item in self.columns:
            if item.id == id:
                return item
        raise KeyError(f"table {self.id!r} has no column {id!r}")

    @cached_property
    def headings(self) -> frozenset[str]:
        """Normalised texts of every heading above lines or columns (group labels)."""
        out: set[str] = set()
        items: list[LineSpec | ColumnSpec] = [*self.lines, *self.columns]
        for item in items:
            out.update(normalize_label(p) for p in item.path)
        return frozenset(out)

    def cells(self) -> Iterator[tuple[LineSpec, ColumnSpec]]:
        """Iterate over every declared cell, line by line."""
        for ln in self.lines:
            for col in self.columns:
                yield ln, col


@attrs.frozen
class TemplateSpec:
    """A compiled template: the tables of one report format and all their constraints.

    Attributes:
        id: the template id.
        title: its official title.
        first_year: the first report year it applies to, if known.
        last_year: the last report year it applies to, if any.
        base: the id of the template it extends, if any.
        description: what it is and where it is used.
        tables: the tables, in document order.
        sections: the report's numbered sections, in order (empty when the template
            declares none: its reports are then not checked for sections).
    """

    id: str
    title: str
    first_year: int | None
    last_year: int | None
    base: str | None
    description: str
    tables: tuple[TableSpec, ...]
    sections: tuple[SectionSpec, ...] = ()
    derived: dict[str, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )
    """What engines derive from the spec once and keep with it (the constraint model of
    :func:`gxschema.spec.model`); not part of the spec: neither compared nor hashed."""

    def section_of(self, table: TableSpec) -> SectionSpec | None:
        """The declared section a table sits in (by its heading), or None."""
        key = normalize_label(table.section)
        for section in self.sections:
            if normalize_label(section.title) == key:
                return section
        return None

    def table(self, id: str) -> TableSpec:
        """Return the table with this id.

        Raises:
            KeyError: no such table.
        """
        for item in self.tables:
            if item.id == id:
                return item
        raise KeyError(f"template {self.id!r} has no table {id!r}")

    @property
    def constraints(self) -> Iterator[Constraint]:
        """Every constraint of every table, in table order."""
        for t in self.tables:
            yield from t.constraints

    @property
    def claims(self) -> tuple[ClaimSpec, ...]:
        """Every narrative claim, in table order."""
        return tuple(c for t in self.tables for c in t.claims)

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        """Every rule once, in the order first declared."""
        seen: dict[str, RuleSpec] = {}
        for t in self.tables:
            for r in t.rules:
                seen.setdefault(r.id, r)
        return tuple(seen.values())
