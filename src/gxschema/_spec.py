"""The compiled spec: the one immutable model every engine reads.

:func:`compile_template` turns a :class:`Template` (a group of declared table classes)
into a :class:`TemplateSpec`: tables with their lines and columns (ids, labels,
aliases, headings, kinds, units) and every rule instantiated cell by cell as a
:class:`Constraint` — a relation between two integer-weighted sums of cells.  Readers,
writers, the validator, the JSON Schema, the docs and the command line read this, never
the declaration classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Literal

import attrs

from gxschema._declare import make_selector
from gxschema._dsl import FieldDecl, RuleDecl, table_decl
from gxschema._expr import Op, linearize
from gxschema._labels import normalize_label
from gxschema._rules import rule_kind
from gxschema._values import Kind
from gxschema.exceptions import DeclarationError

__all__ = [
    "ColumnSpec",
    "Constraint",
    "LineSpec",
    "RuleSpec",
    "Side",
    "TableSpec",
    "Template",
    "TemplateSpec",
    "Term",
    "compile",
    "compile_template",
    "template",
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
    """

    id: str
    label: str
    aliases: tuple[str, ...]
    path: tuple[str, ...]
    kind: Kind
    unit: str | None
    doc: str = ""

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
    severity: Literal["error", "warning"]
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
    class_name: str = ""
    columns_name: str = ""
    declaration: type | None = attrs.field(default=None, eq=False, repr=False)

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
    """

    id: str
    title: str
    first_year: int | None
    last_year: int | None
    base: str | None
    description: str
    tables: tuple[TableSpec, ...]

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
    def rules(self) -> tuple[RuleSpec, ...]:
        """Every rule once, in the order first declared."""
        seen: dict[str, RuleSpec] = {}
        for t in self.tables:
            for r in t.rules:
                seen.setdefault(r.id, r)
        return tuple(seen.values())


def _table_id(cls: type) -> str:
    return table_decl(cls).id


@attrs.frozen(eq=False)
class Template:
    """A report format: an id, a title and its table classes, in document order.

    Build one with :func:`gxschema.template`; derive a variant with :meth:`extend`.
    """

    id: str
    title: str
    tables: tuple[type, ...]
    first_year: int | None = None
    last_year: int | None = None
    base: str | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id or any(c.isspace() for c in self.id):
            raise DeclarationError(
                f"a template id is a non-empty string without spaces: {self.id!r}"
            )
        ids = [_table_id(t) for t in self.tables]
        if not ids:
            raise DeclarationError(f"template {self.id!r} has no table")
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise DeclarationError(f"template {self.id!r} declares table(s) {dupes} twice")
        labels: dict[str, str] = {}
        for cls in self.tables:
            decl = table_decl(cls)
            key = normalize_label(decl.label)
            if key in labels:
                raise DeclarationError(
                    f"template {self.id!r}: tables {labels[key]!r} and {decl.id!r} share the "
                    f"label {decl.label!r}, so a reader could not tell them apart"
                )
            labels[key] = decl.id

    def extend(
        self,
        id: str,
        *,
        title: str | None = None,
        tables: Iterable[type] = (),
        drop: Iterable[str] = (),
        first_year: int | None = None,
        last_year: int | None = None,
        description: str = "",
    ) -> Template:
        """Declare a variant: replace tables by id, add new ones, drop some.

        Args:
            id: the variant's id.
            title: its title (default: the base's).
            tables: table classes; one whose id the base has replaces it in place,
                others are appended.
            drop: ids of base tables to remove.
            first_year: the first report year it applies to (default: the base's).
            last_year: the last report year it applies to (default: the base's).
            description: what distinguishes the variant.

        Returns:
            The new template.

        Raises:
            DeclarationError: a dropped id is not in the base.
        """
        result = list(self.tables)
        for table_id in drop:
            kept = [t for t in result if _table_id(t) != table_id]
            if len(kept) == len(result):
                raise DeclarationError(f"{id}: cannot drop table {table_id!r}: {self.id} has none")
            result = kept
        for cls in tables:
            tid = _table_id(cls)
            for i, existing in enumerate(result):
                if _table_id(existing) == tid:
                    result[i] = cls
                    break
            else:
                result.append(cls)
        return Template(
            id=id,
            title=title if title is not None else self.title,
            tables=tuple(result),
            first_year=first_year if first_year is not None else self.first_year,
            last_year=last_year if last_year is not None else self.last_year,
            base=self.id,
            description=description,
        )

    @cached_property
    def spec(self) -> TemplateSpec:
        """The compiled spec (compiled once)."""
        return compile_template(self)


def _rule_spec(decl: RuleDecl, scope: Literal["line", "column"]) -> RuleSpec:
    kind = rule_kind(decl.relation.op)
    return RuleSpec(
        id=decl.id,
        severity=decl.severity,
        op=decl.relation.op,
        relation=str(decl.relation),
        scope=scope,
        zh=decl.zh or kind.zh,
        en=decl.en or kind.en,
        doc=decl.doc,
        name=decl.name,
        owner=decl.owner,
    )


def _side(weights: dict[str, int], const: int, expr: str, place: str, on_lines: bool) -> Side:
    terms = tuple(
        Term(line=name, column=place, weight=w)
        if on_lines
        else Term(line=place, column=name, weight=w)
        for name, w in weights.items()
    )
    return Side(terms=terms, const=const, expr=expr)


def _compile_table(cls: type) -> TableSpec:
    decl = table_decl(cls)
    row = decl.row
    lines = tuple(
        LineSpec(id=f.name, label=f.label, aliases=f.aliases, path=f.path, doc=f.doc)
        for f in decl.fields
    )
    columns = tuple(_column(f) for f in row.fields)
    rules: list[RuleSpec] = []
    constraints: list[Constraint] = []

    col_select = make_selector(row.fields)
    for r in row.rules:
        spec = _rule_spec(r, "line")
        rules.append(spec)
        lw, lc = linearize(r.relation.lhs, select=col_select)
        rw, rc = linearize(r.relation.rhs, select=col_select)
        for ln in lines:
            constraints.append(
                Constraint(
                    rule=spec,
                    table=decl.id,
                    at=ln.id,
                    lhs=_side(lw, lc, _expand(r.relation.lhs, lw), ln.id, on_lines=False),
                    rhs=_side(rw, rc, _expand(r.relation.rhs, rw), ln.id, on_lines=False),
                )
            )

    line_select = make_selector(decl.fields)
    for r in decl.rules:
        spec = _rule_spec(r, "column")
        rules.append(spec)
        lw, lc = linearize(r.relation.lhs, select=line_select)
        rw, rc = linearize(r.relation.rhs, select=line_select)
        for col in columns:
            constraints.append(
                Constraint(
                    rule=spec,
                    table=decl.id,
                    at=col.id,
                    lhs=_side(lw, lc, _expand(r.relation.lhs, lw), col.id, on_lines=True),
                    rhs=_side(rw, rc, _expand(r.relation.rhs, rw), col.id, on_lines=True),
                )
            )

    nonneg = [c for c in columns if c.kind in (Kind.COUNT, Kind.MONEY)]
    if nonneg:
        rules.append(NONNEGATIVE)
        for ln in lines:
            for col in nonneg:
                constraints.append(
                    Constraint(
                        rule=NONNEGATIVE,
                        table=decl.id,
                        at=f"{ln.id}.{col.id}",
                        lhs=Side((Term(ln.id, col.id, 1),), 0, col.id),
                        rhs=Side((), 0, "0"),
                    )
                )
    return TableSpec(
        id=decl.id,
        label=decl.label,
        section=decl.section,
        corner=decl.corner,
        header=decl.header,
        layout=decl.layout,
        lines=lines,
        columns=columns,
        rules=tuple(rules),
        constraints=tuple(constraints),
        doc=decl.doc,
        class_name=decl.name,
        columns_name=row.name,
        declaration=cls,
    )


def _expand(expr: object, weights: dict[str, int]) -> str:
    """Print a side; a selector is shown as the names it expanded to."""
    text = str(expr)
    if "Σ(" not in text:
        return text
    parts = []
    for name, w in weights.items():
        parts.append(name if w == 1 else f"{w}·{name}")
    return " + ".join(parts).replace("+ -1·", "- ")


def _column(f: FieldDecl) -> ColumnSpec:
    assert f.kind is not None
    return ColumnSpec(
        id=f.name,
        label=f.label,
        aliases=f.aliases,
        path=f.path,
        kind=f.kind,
        unit=f.unit,
        doc=f.doc,
    )


def compile_template(template: Template) -> TemplateSpec:
    """Compile a template into its immutable spec.

    Args:
        template: the declaration.

    Returns:
        The spec every engine reads.

    Raises:
        DeclarationError: the declaration cannot be compiled.
    """
    tables = tuple(_compile_table(t) for t in template.tables)
    return TemplateSpec(
        id=template.id,
        title=template.title,
        first_year=template.first_year,
        last_year=template.last_year,
        base=template.base,
        description=template.description,
        tables=tables,
    )


def template(
    id: str,
    *,
    tables: Iterable[type],
    title: str = "",
    first_year: int | None = None,
    last_year: int | None = None,
    description: str = "",
) -> Template:
    """Declare a report template: an id and its table classes in document order.

    Args:
        id: the template id (``"national-2021"``, ``"my-province-2022"``).
        tables: ``@dsl.table`` classes, in the order the report prints them.
        title: the template's official title.
        first_year: the first report year it applies to.
        last_year: the last report year it applies to.
        description: what it is and where it is used.

    Returns:
        The template; register it with :func:`gxschema.templates.register` to make
        :func:`gxschema.read` and the command line try it.

    Raises:
        DeclarationError: the id is malformed, a class is not a table, or two tables
            share an id.
    """
    return Template(
        id=id,
        title=title or id,
        tables=tuple(tables),
        first_year=first_year,
        last_year=last_year,
        description=description,
    )


def compile(template: Template) -> TemplateSpec:
    """Return a template's compiled spec (the same object every time).

    Args:
        template: the declaration.

    Returns:
        The immutable spec every engine reads.
    """
    return template.spec
