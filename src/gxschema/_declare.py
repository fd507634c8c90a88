"""How a declared class is built: attrs collects, transforms and types the fields.

:func:`columns` and :func:`table` take the class body, take its rules, drops and
amends out of it, let ``attrs`` build the frozen class with a ``field_transformer``
that applies the variant's changes in place, resolve the annotations with
``attrs.resolve_types`` (in the namespace the class was declared in), and attach the
checked declaration (:class:`~gxschema._dsl.RowDecl`, :class:`~gxschema._dsl.TableDecl`)
that :mod:`gxschema._spec` compiles.  See :mod:`gxschema._dsl` for why a variant is a
subclass.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, dataclass_transform

import attrs

from gxschema._dsl import (
    METADATA_KEY,
    ROW_ATTR,
    TABLE_ATTR,
    ClaimDecl,
    D,
    FieldDecl,
    Layout,
    RowDecl,
    RuleDecl,
    T,
    TableDecl,
    _Amend,
    _decl_of,
    _Drop,
    column,
    line,
    row_decl,
)
from gxschema._expr import Expr, LineSelector, linearize
from gxschema._labels import normalize_label
from gxschema._values import Kind
from gxschema.exceptions import DeclarationError

__all__ = ["check_rule", "columns", "make_selector", "table"]

_MAKER = {"column": "dsl.column", "line": "dsl.line"}


def _base_of(cls: type, attr: str, kind: type[D]) -> tuple[type, D] | tuple[None, None]:
    found = [b for b in cls.__bases__ if hasattr(b, attr)]
    if len(found) > 1:
        raise DeclarationError(f"{cls.__name__}: a variant extends exactly one declaration")
    if not found:
        return None, None
    return found[0], _decl_of(found[0], attr, kind)


def _kind_of(annotation: Any) -> Kind | None:
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            if isinstance(extra, Kind):
                return extra
    return None


def _what_exists(fields: Iterable[str], rules: Iterable[RuleDecl], what: str) -> str:
    names = ", ".join(fields) or "none"
    rule_names = ", ".join(f"{r.name} ({r.id})" for r in rules) or "none"
    return f"{what}s: {names}; rules: {rule_names}"


@attrs.frozen
class _Body:
    """What a class body says besides its fields: rules, drops and amends."""

    rules: tuple[RuleDecl, ...]
    drop_fields: frozenset[str]
    drop_rules: frozenset[str]
    amends: Mapping[str, _Amend]
    claims: tuple[ClaimDecl, ...] = ()
    drop_claims: frozenset[str] = frozenset()
    claim_amends: Mapping[str, _Amend] = attrs.field(factory=dict)


def _scan(
    cls: type,
    base_fields: Sequence[str],
    base_rules: Sequence[RuleDecl],
    what: str,
    base_claims: Sequence[ClaimDecl] = (),
) -> _Body:
    """Take the rules, claims, drops and amends out of the class body (not fields)."""
    owner = cls.__name__
    rules: list[RuleDecl] = []
    claims: list[ClaimDecl] = []
    drop_fields: set[str] = set()
    drop_rules: set[str] = set()
    drop_claims: set[str] = set()
    amends: dict[str, _Amend] = {}
    claim_amends: dict[str, _Amend] = {}
    rule_keys = {k for r in base_rules for k in (r.name, r.id)}
    claim_keys = {k for c in base_claims for k in (c.name, c.id)}
    for name, value in list(vars(cls).items()):
        if isinstance(value, RuleDecl):
            rules.append(attrs.evolve(value, name=name, owner=owner))
        elif isinstance(value, ClaimDecl):
            if what != "line":
                raise DeclarationError(
                    f"{owner}.{name}: claims are declared in a @dsl.table class, next to "
                    "the lines they repeat"
                )
            claims.append(attrs.evolve(value, name=name, owner=owner))
        elif isinstance(value, _Drop):
            for target in value.targets or (name,):
                if target in base_fields:
                    drop_fields.add(target)
                elif target in rule_keys:
                    drop_rules.add(target)
                elif target in claim_keys:
                    drop_claims.add(target)
                else:
                    raise DeclarationError(
                        f"{owner}: drop() of {target!r}, which the base does not declare; "
                        + _what_exists(base_fields, base_rules, what)
                        + (
                            "; claims: " + ", ".join(f"{c.name} ({c.id})" for c in base_claims)
                            if base_claims
                            else ""
                        )
                    )
        elif isinstance(value, _Amend) and name in claim_keys:
            if value.label is not None or value.aliases:
                raise DeclarationError(
                    f"{owner}: amend() of the claim {name!r} takes phrases= and doc=, "
                    "not a label or aliases"
                )
            claim_amends[name] = value
        elif isinstance(value, _Amend):
            if value.phrases:
                raise DeclarationError(
                    f"{owner}: amend() of {name!r} gives phrases, which only a claim has"
                )
            if name not in base_fields:
                raise DeclarationError(
                    f"{owner}: amend() of {name!r}, which the base does not declare; "
                    f"{what}s: {', '.join(base_fields) or 'none'}"
                )
            amends[name] = value
        else:
            continue
        delattr(cls, name)  # a marker must not shadow an inherited field's slot
    return _Body(
        tuple(rules),
        frozenset(drop_fields),
        frozenset(drop_rules),
        amends,
        tuple(claims),
        frozenset(drop_claims),
        claim_amends,
    )


def _merge_claims(
    owner: str, inherited: Sequence[ClaimDecl], body: _Body, fields: Sequence[FieldDecl]
) -> tuple[ClaimDecl, ...]:
    """The base's claims, amended, dropped or redeclared as the variant says, then its own.

    An inherited claim on a line the variant drops goes with the line (the words no
    longer have cells to repeat), unless the variant redeclares it.
    """
    claims: list[ClaimDecl] = []
    names = {f.name for f in fields}
    select = make_selector(fields)
    for c in inherited:
        if c.name in body.drop_claims or c.id in body.drop_claims:
            continue
        if not _names_within(c, names, select):
            if c.name in body.claim_amends or c.id in body.claim_amends:
                raise DeclarationError(
                    f"{owner}: amend() of the claim {c.name!r}, whose lines are dropped"
                )
            if not any(d.name == c.name for d in body.claims):
                continue
        change = body.claim_amends.get(c.name) or body.claim_amends.get(c.id)
        if change is not None:
            c = attrs.evolve(
                c,
                phrases=c.phrases + tuple(p for p in change.phrases if p not in c.phrases),
                doc=change.doc if change.doc is not None else c.doc,
            )
        claims.append(c)
    for decl in body.claims:
        index = next((i for i, c in enumerate(claims) if c.name == decl.name), None)
        if index is not None:
            claims[index] = decl  # redeclared under the same name: replaced in place
        elif any(c.id == decl.id for c in claims):
            raise DeclarationError(f"{owner}: two claims share the id {decl.id!r}")
        else:
            claims.append(decl)
    shape = fields[0].row if fields else None
    columns = {f.name for f in row_decl(shape).fields} if shape is not None else set()
    for c in claims:
        check_claim(owner, c, fields, columns)
    return tuple(claims)


def _exprs(claim: ClaimDecl) -> tuple[Expr, ...]:
    share = (claim.share_of,) if claim.share_of is not None else ()
    return (claim.cells, *claim.also, *share)


def _names_within(
    claim: ClaimDecl, names: set[str], select: Callable[[LineSelector], tuple[str, ...]]
) -> bool:
    try:
        return all(n in names for e in _exprs(claim) for n in linearize(e, select=select)[0])
    except DeclarationError:
        return False


def check_claim(
    owner: str, claim: ClaimDecl, fields: Sequence[FieldDecl], columns: Iterable[str]
) -> None:
    """Check that a claim names declared lines and a declared column."""
    select = make_selector(fields)
    names = {f.name for f in fields}
    if claim.column not in set(columns):
        raise DeclarationError(
            f"{owner}: claim {claim.id!r} reads the column {claim.column!r}, which is not "
            f"declared; columns: {', '.join(sorted(columns))}"
        )
    for expr in _exprs(claim):
        try:
            weights, const = linearize(expr, select=select)
        except DeclarationError as exc:
            raise DeclarationError(f"{owner}: claim {claim.id!r}: {exc}") from None
        missing = [n for n in weights if n not in names]
        if missing:
            raise DeclarationError(
                f"{owner}: claim {claim.id!r} names {missing[0]!r}, which is not declared "
                "(a variant that drops a line must drop or redeclare the claims on it)"
            )
        if not weights or const:
            raise DeclarationError(
                f"{owner}: claim {claim.id!r}: the cells are a sum of lines, without constants"
            )


def _amended(field: attrs.Attribute[Any], change: _Amend) -> attrs.Attribute[Any]:
    old: FieldDecl = field.metadata[METADATA_KEY]
    new = attrs.evolve(
        old,
        label=change.label if change.label is not None else old.label,
        aliases=old.aliases + tuple(a for a in change.aliases if a not in old.aliases),
        doc=change.doc if change.doc is not None else old.doc,
    )
    return field.evolve(metadata={**field.metadata, METADATA_KEY: new})


def _transformer(
    owner: str, base_order: Sequence[str], body: _Body, what: str, shape: type | None
) -> Callable[[type, list[attrs.Attribute[Any]]], list[attrs.Attribute[Any]]]:
    """The ``field_transformer`` that applies a variant's drops, amends and placements."""

    def transform(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
        # ``Attribute.inherited`` is public attrs API, missing from its type stubs.
        own = [f for f in fields if not f.inherited]  # type: ignore[attr-defined]
        inherited = {f.name: f for f in fields if f.inherited}  # type: ignore[attr-defined]
        for f in own:
            if not isinstance(f.metadata.get(METADATA_KEY), FieldDecl):
                raise DeclarationError(f"{owner}.{f.name}: declare {what}s with {_MAKER[what]}()")
        overrides = {f.name: f for f in own if f.name in base_order}
        result = [
            overrides.get(n) or inherited[n]
            for n in base_order
            if n not in body.drop_fields and (n in overrides or n in inherited)
        ]

        def index_of(name: str) -> int:
            for i, f in enumerate(result):
                if f.name == name:
                    return i
            raise DeclarationError(
                f"{owner}: no {what} named {name!r} to place a field next to; "
                f"{what}s: {', '.join(f.name for f in result)}"
            )

        for name, change in body.amends.items():
            i = index_of(name)
            result[i] = _amended(result[i], change)
        cursor: int | None = None
        for f in own:
            decl: FieldDecl = f.metadata[METADATA_KEY]
            if f.name in overrides:
                cursor = index_of(f.name) + 1
                continue
            if decl.after is not None:
                pos = index_of(decl.after) + 1
            elif decl.before is not None:
                pos = index_of(decl.before)
            else:
                pos = cursor if cursor is not None else len(result)
            if what == "line" and f.type is None and decl.row is None and shape is not None:
                # In a variant, a new line has the shape of the lines it joins.
                f = f.evolve(type=shape)
            result.insert(pos, f)
            cursor = pos + 1
        return result

    return transform


def _build(
    cls: type,
    what: str,
    base: type | None,
    body: _Body,
    shape: type | None,
    scope: Mapping[str, Any],
) -> type:
    """Let attrs build the class, then resolve its annotations."""
    owner = cls.__name__
    base_order = [a.name for a in attrs.fields(base)] if base is not None else []
    transform = _transformer(owner, base_order, body, what, shape)
    new = attrs.frozen(cls, auto_attribs=False, field_transformer=transform)
    try:
        attrs.resolve_types(new, localns=dict(scope))
    except NameError as exc:
        raise DeclarationError(
            f"{owner}: cannot resolve an annotation ({exc}); define what it names where the "
            f"class can see it, or pass kind= (columns) or row= (lines)"
        ) from None
    declared = {a.name for a in attrs.fields(new)}
    for name in _own_annotations(cls):
        if name not in declared and name not in vars(base or object):
            raise DeclarationError(f"{owner}.{name}: a {what} needs {_MAKER[what]}(label)")
    if not declared:
        raise DeclarationError(f"{owner}: declares no {what}")
    return new


def _own_annotations(cls: type) -> tuple[str, ...]:
    """The names the class body itself annotates (not evaluated)."""
    return tuple(inspect.get_annotations(cls))


def _merge_rules(owner: str, inherited: Sequence[RuleDecl], body: _Body) -> list[RuleDecl]:
    rules = [r for r in inherited if r.name not in body.drop_rules and r.id not in body.drop_rules]
    for decl in body.rules:
        rules = [r for r in rules if r.name != decl.name]
        clash = next((r for r in rules if r.id == decl.id), None)
        if clash is not None:
            raise DeclarationError(
                f"{owner}: rules {clash.name!r} and {decl.name!r} share the id {decl.id!r}"
            )
        rules.append(decl)
    return rules


def _column_decls(cls: type) -> list[FieldDecl]:
    owner = cls.__name__
    out = []
    for a in attrs.fields(cls):
        d: FieldDecl = attrs.evolve(a.metadata[METADATA_KEY], name=a.name)
        if d.kind is None:
            kind = _kind_of(a.type)
            if kind is None:
                raise DeclarationError(
                    f"{owner}.{a.name}: annotate the column as Count, Delta or Money "
                    "(from gxschema.dsl), or pass kind="
                )
            d = attrs.evolve(d, kind=kind)
        if d.kind is Kind.MONEY and d.unit is None:
            d = attrs.evolve(d, unit="元")
        if d.kind is not Kind.MONEY and d.unit is not None:
            raise DeclarationError(f"{owner}.{a.name}: only money columns have a unit")
        out.append(d)
    return out


def _line_decls(cls: type) -> list[FieldDecl]:
    owner = cls.__name__
    out = []
    for a in attrs.fields(cls):
        d: FieldDecl = attrs.evolve(a.metadata[METADATA_KEY], name=a.name)
        shape = d.row if d.row is not None else a.type
        if not isinstance(shape, type) or not hasattr(shape, ROW_ATTR):
            raise DeclarationError(
                f"{owner}.{a.name}: annotate the line with a @dsl.columns class, or pass row="
            )
        row_decl(shape)  # a subclass that forgot its decorator is refused here
        out.append(attrs.evolve(d, row=shape))
    return out


def _check_unique(owner: str, fields: Sequence[FieldDecl], what: str) -> None:
    seen: dict[tuple[tuple[str, ...], str], str] = {}
    for f in fields:
        if not f.label or not f.label.strip():
            raise DeclarationError(f"{owner}.{f.name}: the label is empty")
        for text in (f.label, *f.aliases):
            key = (tuple(normalize_label(p) for p in f.path), normalize_label(text))
            other = seen.get(key)
            if other is not None and other != f.name:
                raise DeclarationError(
                    f"{owner}: {what}s {other!r} and {f.name!r} share the label {text!r}"
                )
            seen[key] = f.name


def make_selector(fields: Sequence[FieldDecl]) -> Callable[[LineSelector], tuple[str, ...]]:
    """Return the function that expands a selector against these fields."""
    names = {f.name for f in fields}

    def select(selector: LineSelector) -> tuple[str, ...]:
        for name in selector.exclude:
            if name not in names:
                raise DeclarationError(f"sum_of(...exclude=) names {name!r}, which is not declared")
        want = tuple(normalize_label(p) for p in selector.under)
        chosen = tuple(
            f.name
            for f in fields
            if f.name not in selector.exclude
            and tuple(normalize_label(p) for p in f.path[: len(want)]) == want
        )
        if not chosen:
            raise DeclarationError(f"sum_of({selector}) selects nothing")
        return chosen

    return select


def check_rule(owner: str, rule_decl: RuleDecl, fields: Sequence[FieldDecl]) -> None:
    """Check that a rule names only declared fields and is not trivially empty."""
    select = make_selector(fields)
    names = {f.name for f in fields}
    try:
        lhs, _ = linearize(rule_decl.relation.lhs, select=select)
        rhs, _ = linearize(rule_decl.relation.rhs, select=select)
    except DeclarationError as exc:
        raise DeclarationError(f"{owner}: rule {rule_decl.id!r}: {exc}") from None
    for name in (*lhs, *rhs):
        if name not in names:
            raise DeclarationError(
                f"{owner}: rule {rule_decl.id!r} names {name!r}, which is not declared"
            )
    if not lhs and not rhs:
        raise DeclarationError(f"{owner}: rule {rule_decl.id!r} names no field")
    net = {k: lhs.get(k, 0) - rhs.get(k, 0) for k in {*lhs, *rhs}}
    if not any(net.values()):
        raise DeclarationError(
            f"{owner}: rule {rule_decl.id!r} cancels out ({rule_decl.relation}): "
            "it can never be broken, or never hold"
        )


V = TypeVar("V")


def _pick(value: V | None, inherited: V, default: V) -> V:
    return value if value is not None else (inherited if inherited is not None else default)


def _caller_scope() -> Mapping[str, Any]:
    """The namespace the class was declared in (two frames up), for its annotations."""
    return sys._getframe(2).f_locals


@dataclass_transform(frozen_default=True, field_specifiers=(attrs.field, column))
def columns(cls: T) -> T:
    """Class decorator: declare a column shape (the columns of a table's lines).

    Fields are columns made with :func:`column`; class attributes made with
    :func:`rule` are rules that hold within every line of this shape.

    Args:
        cls: the class body.

    Returns:
        The frozen attrs class, carrying its declaration.

    Raises:
        DeclarationError: a field, rule or variant operation is malformed.
    """
    return _columns(cls, _caller_scope())


def _columns(cls: T, scope: Mapping[str, Any]) -> T:
    base, base_decl = _base_of(cls, ROW_ATTR, RowDecl)
    base_fields = [f.name for f in base_decl.fields] if base_decl else []
    base_rules = base_decl.rules if base_decl else ()
    body = _scan(cls, base_fields, base_rules, "column")
    new = _build(cls, "column", base, body, None, scope)
    owner = cls.__name__
    fields = _column_decls(new)
    rules = _merge_rules(owner, base_rules, body)
    _check_unique(owner, fields, "column")
    for r in rules:
        check_rule(owner, r, fields)
    doc = (cls.__doc__ or (base_decl.doc if base_decl else "")).strip()
    setattr(new, ROW_ATTR, RowDecl(name=owner, fields=tuple(fields), rules=tuple(rules), doc=doc))
    return typing.cast(T, new)


def table(
    id: str | None = None,
    *,
    label: str | None = None,
    section: str | None = None,
    corner: str | None = None,
    header: str | None = None,
    layout: Layout | None = None,
) -> Callable[[T], T]:
    """Class decorator factory: declare a table (its lines and the rules between them).

    In a variant (a subclass of a table class) every argument defaults to the base's.

    Args:
        id: the table id used in reports and the CLI (``"s3"``, ``"s2.art20_1"``).
        label: the table's caption or title, verbatim (``第二十条第（一）项``).
        section: the section heading the table sits in (``三、收到和处理政府信息公开申请情况``).
        corner: the text of the header cell above the line labels (``信息内容``).
        header: a header spanning all value columns (``申请人情况``).
        layout: ``"grid"`` (one printed row per line) or ``"flat"`` (all lines printed
            side by side in one row, under their labels as column groups, as section 四).

    Returns:
        The decorator.

    Raises:
        DeclarationError: the arguments or the class body are malformed.
    """
    if id is not None and (not isinstance(id, str) or not id or any(c.isspace() for c in id)):
        raise DeclarationError(f"a table id is a non-empty string without spaces, not {id!r}")
    if layout is not None and layout not in ("grid", "flat"):
        raise DeclarationError(f"table {id!r}: layout must be 'grid' or 'flat', not {layout!r}")

    @dataclass_transform(frozen_default=True, field_specifiers=(attrs.field, line))
    def decorate(cls: T) -> T:
        base, base_decl = _base_of(cls, TABLE_ATTR, TableDecl)
        owner = cls.__name__
        table_id = id if id is not None else (base_decl.id if base_decl else None)
        table_label = label if label is not None else (base_decl.label if base_decl else None)
        if table_id is None or table_label is None:
            raise DeclarationError(f"{owner}: @dsl.table needs an id and a label")
        base_fields = [f.name for f in base_decl.fields] if base_decl else []
        base_rules = base_decl.rules if base_decl else ()
        base_claims = base_decl.claims if base_decl else ()
        shape = base_decl.fields[0].row if base_decl else None
        body = _scan(cls, base_fields, base_rules, "line", base_claims)
        new = _build(cls, "line", base, body, shape, sys._getframe(1).f_locals)
        fields = _line_decls(new)
        rules = _merge_rules(owner, base_rules, body)
        _check_unique(owner, fields, "line")
        shapes = {f.row for f in fields}
        if len(shapes) != 1:
            names = sorted(getattr(t, "__name__", "?") for t in shapes)
            raise DeclarationError(
                f"{owner}: all lines of a table share one columns class; found {', '.join(names)}"
            )
        for r in rules:
            check_rule(owner, r, fields)
        claims = _merge_claims(owner, base_claims, body, fields)
        decl = TableDecl(
            id=table_id,
            name=owner,
            label=table_label,
            section=_pick(section, base_decl.section if base_decl else "", ""),
            fields=tuple(fields),
            rules=tuple(rules),
            corner=_pick(corner, base_decl.corner if base_decl else "", ""),
            header=_pick(header, base_decl.header if base_decl else "", ""),
            layout=_pick(layout, base_decl.layout if base_decl else "grid", "grid"),
            doc=(cls.__doc__ or (base_decl.doc if base_decl else "")).strip(),
            claims=claims,
        )
        setattr(new, TABLE_ATTR, decl)
        return typing.cast(T, new)

    return decorate
