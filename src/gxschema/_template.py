"""Templates: a group of declared table classes, and their compilation into a spec.

:class:`Template` (made by :func:`template` or ``.extend``) is the declaration of a
report format; :func:`compile_template` turns it into the immutable
:class:`~gxschema._spec.TemplateSpec` every engine reads, instantiating each rule cell
by cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Literal, TypeAlias

import attrs

from gxschema._declare import make_selector
from gxschema._dsl import FieldDecl, RuleDecl, table_decl
from gxschema._expr import Expr, linearize
from gxschema._labels import normalize_label
from gxschema._rules import rule_kind
from gxschema._spec import (
    NONNEGATIVE,
    ClaimSpec,
    ColumnSpec,
    Constraint,
    LineSpec,
    RuleSpec,
    SectionSpec,
    Side,
    TableSpec,
    TemplateSpec,
    Term,
)
from gxschema._values import Kind
from gxschema.exceptions import DeclarationError

__all__ = ["Template", "compile", "compile_template", "template"]


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
    sections: tuple[SectionSpec, ...] = ()

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
        sections: Sequence[SectionSpec] | None = None,
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
            sections: its numbered sections (default: the base's).

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
            sections=tuple(sections) if sections is not None else self.sections,
        )

    @cached_property
    def spec(self) -> TemplateSpec:
        """The compiled spec (compiled once)."""
        return compile_template(self)


Scope: TypeAlias = Literal["line", "column"]


def _rule_spec(decl: RuleDecl, scope: Scope) -> RuleSpec:
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

    # A row rule holds on every line (its names are columns); a table rule on every
    # column (its names are lines): one compilation, the axis swapped.
    axes: tuple[tuple[Scope, Sequence[RuleDecl], Sequence[FieldDecl], list[str]], ...] = (
        ("line", row.rules, row.fields, [ln.id for ln in lines]),
        ("column", decl.rules, decl.fields, [col.id for col in columns]),
    )
    for scope, decls, fields, places in axes:
        select = make_selector(fields)
        on_lines = scope == "column"
        for r in decls:
            spec = _rule_spec(r, scope)
            rules.append(spec)
            lw, lc = linearize(r.relation.lhs, select=select)
            rw, rc = linearize(r.relation.rhs, select=select)
            lhs_expr, rhs_expr = _expand(r.relation.lhs, lw), _expand(r.relation.rhs, rw)
            for place in places:
                constraints.append(
                    Constraint(
                        rule=spec,
                        table=decl.id,
                        at=place,
                        lhs=_side(lw, lc, lhs_expr, place, on_lines=on_lines),
                        rhs=_side(rw, rc, rhs_expr, place, on_lines=on_lines),
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
    select = make_selector(decl.fields)

    def side(expr: Expr, column: str) -> Side:
        weights, _ = linearize(expr, select=select)
        return _side(weights, 0, _expand(expr, weights), column, on_lines=True)

    claims = tuple(
        ClaimSpec(
            id=c.id,
            table=decl.id,
            column=c.column,
            phrases=c.phrases,
            units=c.units,
            readings=tuple(side(expr, c.column) for expr in (c.cells, *c.also)),
            wording=c.wording,
            section=c.section,
            share=side(c.share_of, c.column) if c.share_of is not None else None,
            share_id=c.share_id,
            doc=c.doc,
            name=c.name,
            owner=c.owner,
        )
        for c in decl.claims
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
        claims=claims,
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
        notes=f.notes,
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
        sections=template.sections,
    )


def template(
    id: str,
    *,
    tables: Iterable[type],
    title: str = "",
    first_year: int | None = None,
    last_year: int | None = None,
    description: str = "",
    sections: Sequence[SectionSpec] = (),
) -> Template:
    """Declare a report template: an id and its table classes in document order.

    Args:
        id: the template id (``"national-2021"``, ``"my-province-2022"``).
        tables: ``@dsl.table`` classes, in the order the report prints them.
        title: the template's official title.
        first_year: the first report year it applies to.
        last_year: the last report year it applies to.
        description: what it is and where it is used.
        sections: the report's numbered sections (:class:`gxschema.dsl.Section`), so
            that a check can say which are missing; the national ones are
            ``gxschema.templates.NATIONAL_SECTIONS``.

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
        sections=tuple(sections),
    )


def compile(template: Template) -> TemplateSpec:
    """Return a template's compiled spec (the same object every time).

    Args:
        template: the declaration.

    Returns:
        The immutable spec every engine reads.
    """
    return template.spec
