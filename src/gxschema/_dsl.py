"""The declaration language: rows, tables, rules and templates as attrs classes.

A *row* class declares the columns of a table (one :func:`cell` per column) and the
rules that hold within every line of that shape.  A *table* class declares its lines
(one :func:`line` each, typed by a row class) and the rules that hold column by column.
A *template* groups tables.  A variant subclasses a row or table class and says only
what differs: :func:`drop` a field or rule, :func:`amend` a label, add new fields with
``after=``/``before=``.

Everything is checked when the class is created; a bad declaration raises
:class:`~gxschema.exceptions.DeclarationError` naming the class and the field.
Engines never read these classes: they read the compiled spec (:mod:`gxschema._spec`).
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeVar, dataclass_transform

import attrs

from gxschema._cell import Cell
from gxschema._expr import LineSelector, Relation, linearize
from gxschema._labels import normalize_label
from gxschema._values import MONEY_UNITS, Kind
from gxschema.exceptions import DeclarationError

__all__ = [
    "Count",
    "Delta",
    "FieldDecl",
    "Money",
    "RowDecl",
    "RuleDecl",
    "TableDecl",
    "amend",
    "cell",
    "drop",
    "line",
    "row",
    "rule",
    "table",
]

METADATA_KEY = "gxschema"
"""The key under which gxschema keeps its facts in ``attrs`` field metadata."""

#: Annotation for a column holding a count of items (integer, ≥ 0).
Count: TypeAlias = typing.Annotated[Cell, Kind.COUNT]
#: Annotation for a column holding a signed change (``-55``, ``增1万``).
Delta: TypeAlias = typing.Annotated[Cell, Kind.DELTA]
#: Annotation for a column holding an amount of money (Decimal, ≥ 0, with a unit).
Money: TypeAlias = typing.Annotated[Cell, Kind.MONEY]

Severity: TypeAlias = Literal["error", "warning"]
Layout: TypeAlias = Literal["grid", "flat"]

T = TypeVar("T", bound=type)


MESSAGE_FIELDS = ("where", "lhs", "rhs", "difference", "tolerance", "lhs_expr", "rhs_expr")
"""The placeholders a rule's message templates may use."""


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DeclarationError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _texts(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        raise DeclarationError(f"{what} takes a list of strings, not the string {value!r}")
    try:
        items = tuple(typing.cast(Iterable[object], value))
    except TypeError:
        raise DeclarationError(f"{what} takes a list of strings, not {value!r}") from None
    return tuple(_text(v, what) for v in items)


def _path(value: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_text(value, "a heading"),)
    return _texts(value, "a heading path")


@attrs.frozen
class FieldDecl:
    """One declared column (of a row class) or line (of a table class).

    Attributes:
        name: the field's Python name, which is also its id in reports.
        label: the official label, verbatim.
        aliases: other spellings that mean the same field.
        path: the headings above it (column groups, or the lines' ``under``).
        kind: for a column, what its cells hold.
        unit: for a money column, the unit its values are expressed in.
        row: for a line, the row class that gives its columns.
        after: insert after this field (variants).
        before: insert before this field (variants).
        doc: a note for the generated reference.
    """

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    kind: Kind | None = None
    unit: str | None = None
    row: type | None = None
    after: str | None = None
    before: str | None = None
    doc: str = ""


@attrs.frozen(eq=False)
class RuleDecl:
    """A declared rule: an id, a relation, a severity and messages in two languages.

    Attributes:
        id: the stable rule id (``C3.balance``).
        relation: the expression tree.
        severity: ``"error"`` for a hard rule, ``"warning"`` for a soft check.
        zh: the Chinese message template.
        en: the English message template.
        doc: a note for the generated reference.
        name: the attribute name the rule was declared under (set by the class).
    """

    id: str
    relation: Relation
    severity: Severity = "error"
    zh: str = ""
    en: str = ""
    doc: str = ""
    name: str = ""


@attrs.frozen
class RowDecl:
    """The compiled declaration of a row class: its columns and its rules."""

    name: str
    fields: tuple[FieldDecl, ...]
    rules: tuple[RuleDecl, ...]
    doc: str = ""


@attrs.frozen
class TableDecl:
    """The compiled declaration of a table class: its lines, rules and layout facts."""

    id: str
    name: str
    label: str
    section: str
    fields: tuple[FieldDecl, ...]
    rules: tuple[RuleDecl, ...]
    corner: str = ""
    header: str = ""
    layout: Layout = "grid"
    doc: str = ""

    @property
    def row(self) -> RowDecl:
        """The declaration of the row class all lines share."""
        row_cls = self.fields[0].row
        assert row_cls is not None
        return row_decl(row_cls)


@attrs.frozen
class _Drop:
    pass


@attrs.frozen
class _Amend:
    label: str | None
    aliases: tuple[str, ...]
    doc: str | None


def cell(
    label: str,
    *,
    aliases: Iterable[str] = (),
    group: str | Sequence[str] = (),
    unit: str | None = None,
    kind: Kind | None = None,
    after: str | None = None,
    before: str | None = None,
    doc: str = "",
) -> Any:
    """Declare a column of a row class.

    Args:
        label: the official column label, verbatim.
        aliases: other spellings that mean this column (``合计`` for ``总计``).
        group: the header(s) spanning this column, outermost first.
        unit: for money, the unit values are expressed in (``"元"``, ``"万元"``).
        kind: what the cells hold; by default read from the annotation
            (:data:`Count`, :data:`Delta`, :data:`Money`).
        after: in a variant, insert after this column.
        before: in a variant, insert before this column.
        doc: a note for the generated reference.

    Returns:
        An ``attrs`` field carrying the declaration in its metadata.
    """
    if kind is not None and not isinstance(kind, Kind):
        raise DeclarationError(f"kind must be a gx.Kind, not {kind!r}")
    if unit is not None and unit not in MONEY_UNITS:
        raise DeclarationError(f"unit must be one of {', '.join(MONEY_UNITS)}, not {unit!r}")
    decl = FieldDecl(
        name="",
        label=_text(label, "a column label"),
        aliases=_texts(aliases, "aliases"),
        path=_path(group),
        kind=kind,
        unit=unit,
        after=after,
        before=before,
        doc=doc,
    )
    return attrs.field(metadata={METADATA_KEY: decl})


def line(
    label: str,
    *,
    under: str | Sequence[str] = (),
    aliases: Iterable[str] = (),
    row: type | None = None,
    after: str | None = None,
    before: str | None = None,
    doc: str = "",
) -> Any:
    """Declare a line (a data row) of a table class.

    Args:
        label: the official row label, verbatim.
        under: the heading(s) this line sits under, outermost first; rules select
            lines by it (``gx.lines(under=...)``).
        aliases: other spellings that mean this line.
        row: the row class giving its columns; by default read from the annotation,
            or, for a line a variant adds without one, the row class of the base's lines.
        after: in a variant, insert after this line.
        before: in a variant, insert before this line.
        doc: a note for the generated reference.

    Returns:
        An ``attrs`` field carrying the declaration in its metadata.
    """
    decl = FieldDecl(
        name="",
        label=_text(label, "a line label"),
        aliases=_texts(aliases, "aliases"),
        path=_path(under),
        row=row,
        after=after,
        before=before,
        doc=doc,
    )
    return attrs.field(metadata={METADATA_KEY: decl})


def rule(
    id: str,
    relation: Relation,
    *,
    severity: Severity = "error",
    zh: str = "",
    en: str = "",
    doc: str = "",
) -> Any:
    """Declare a rule of a row class (per line) or of a table class (per column).

    Message templates may use ``{where}`` (the line or column the rule was applied to),
    ``{lhs}``, ``{rhs}``, ``{difference}``, ``{tolerance}``, ``{lhs_expr}`` and
    ``{rhs_expr}``; when omitted, a message is made from the relation.

    Args:
        id: the stable rule id, e.g. ``"C3.balance"``.
        relation: a comparison built from :data:`~gxschema.this`.
        severity: ``"error"`` (a hard rule) or ``"warning"`` (a soft check).
        zh: the Chinese message template.
        en: the English message template.
        doc: a note for the generated reference.

    Returns:
        A rule declaration, picked up by :func:`row` or :func:`table`.

    Raises:
        DeclarationError: the id is empty, the severity unknown, or ``relation`` is not
            a comparison.
    """
    if not isinstance(id, str) or not id.strip():
        raise DeclarationError(f"a rule needs a non-empty string id, not {id!r}")
    if not isinstance(relation, Relation):
        raise DeclarationError(
            f"rule {id!r}: the body must be a comparison such as `this.a == this.b`, "
            f"not {relation!r}"
        )
    if severity not in ("error", "warning"):
        raise DeclarationError(f"rule {id!r}: severity must be 'error' or 'warning'")
    for lang, template in (("zh", zh), ("en", en)):
        try:
            template.format(**dict.fromkeys(MESSAGE_FIELDS, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise DeclarationError(
                f"rule {id!r}: the {lang} message uses {exc}, which is not one of "
                f"{', '.join('{' + f + '}' for f in MESSAGE_FIELDS)}"
            ) from None
    return RuleDecl(id=id, relation=relation, severity=severity, zh=zh, en=en, doc=doc)


def drop() -> Any:
    """In a variant, remove the inherited field or rule of this name.

    Returns:
        A marker picked up by :func:`row` or :func:`table`.
    """
    return _Drop()


def amend(*, label: str | None = None, aliases: Iterable[str] = (), doc: str | None = None) -> Any:
    """In a variant, change an inherited field's label or add aliases to it.

    Args:
        label: a new label, or None to keep the inherited one.
        aliases: aliases added to the inherited ones.
        doc: a new reference note, or None to keep it.

    Returns:
        A marker picked up by :func:`row` or :func:`table`.
    """
    return _Amend(
        label=_text(label, "a label") if label is not None else None,
        aliases=_texts(aliases, "aliases"),
        doc=doc,
    )


# -- class processing ---------------------------------------------------------------

ROW_ATTR = "__gx_row__"
TABLE_ATTR = "__gx_table__"


D = TypeVar("D", "RowDecl", "TableDecl")


def _decl_of(cls: type, attr: str, kind: type[D], decorator: str) -> D:
    decl = getattr(cls, attr, None)
    if not isinstance(decl, kind):
        raise DeclarationError(f"{cls!r} is not a {decorator} class")
    return decl


def row_decl(cls: type) -> RowDecl:
    """Return the declaration of a ``@gx.row`` class.

    Raises:
        DeclarationError: the class is not one.
    """
    return _decl_of(cls, ROW_ATTR, RowDecl, "@gx.row")


def table_decl(cls: type) -> TableDecl:
    """Return the declaration of a ``@gx.table`` class.

    Raises:
        DeclarationError: the class is not one.
    """
    return _decl_of(cls, TABLE_ATTR, TableDecl, "@gx.table")


def _hints(cls: type) -> dict[str, Any]:
    """Resolve the class's own annotations, tolerating names only the caller knows."""
    raw: dict[str, Any] = dict(inspect.get_annotations(cls))
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module else {}
    namespace.update({"Count": Count, "Delta": Delta, "Money": Money})
    out: dict[str, Any] = {}
    for name, ann in raw.items():
        if isinstance(ann, str):
            try:
                ann = eval(ann, namespace)
            except Exception:
                ann = None
        out[name] = ann
    return out


def _kind_of(annotation: Any) -> Kind | None:
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            if isinstance(extra, Kind):
                return extra
    return None


def _base_decl(cls: type, attr: str) -> Any:
    found = [getattr(b, attr) for b in cls.__bases__ if hasattr(b, attr)]
    if len(found) > 1:
        raise DeclarationError(f"{cls.__name__}: a variant extends exactly one declaration")
    return found[0] if found else None


def _collect(
    cls: type, base_fields: tuple[FieldDecl, ...], base_rules: tuple[RuleDecl, ...], what: str
) -> tuple[list[FieldDecl], list[RuleDecl], dict[str, Any]]:
    """Merge the class body into the inherited fields and rules."""
    fields = list(base_fields)
    rules = list(base_rules)
    extra_ns: dict[str, Any] = {}
    hints = _hints(cls)
    owner = cls.__name__
    cursor: int | None = None

    def index_of(name: str) -> int:
        for i, f in enumerate(fields):
            if f.name == name:
                return i
        raise DeclarationError(f"{owner}: no {what} named {name!r} to place a field next to")

    for name, value in list(cls.__dict__.items()):
        if name.startswith("__") and name.endswith("__"):
            continue
        if isinstance(value, _Drop):
            before_f, before_r = len(fields), len(rules)
            fields = [f for f in fields if f.name != name]
            rules = [r for r in rules if r.name != name]
            if len(fields) == before_f and len(rules) == before_r:
                raise DeclarationError(f"{owner}: gx.drop() of {name!r}, which is not inherited")
            cursor = None
            continue
        if isinstance(value, _Amend):
            i = next((j for j, f in enumerate(fields) if f.name == name), None)
            if i is None:
                raise DeclarationError(f"{owner}: gx.amend() of {name!r}, which is not inherited")
            old = fields[i]
            fields[i] = attrs.evolve(
                old,
                label=value.label if value.label is not None else old.label,
                aliases=old.aliases + tuple(a for a in value.aliases if a not in old.aliases),
                doc=value.doc if value.doc is not None else old.doc,
            )
            continue
        if isinstance(value, RuleDecl):
            decl = attrs.evolve(value, name=name)
            rules = [r for r in rules if r.name != name]
            clash = next((r for r in rules if r.id == decl.id), None)
            if clash is not None:
                raise DeclarationError(
                    f"{owner}: rules {clash.name!r} and {name!r} share the id {decl.id!r}"
                )
            rules.append(decl)
            continue
        if isinstance(value, attrs.Attribute) or type(value).__name__ == "_CountingAttr":
            meta = getattr(value, "metadata", {}) or {}
            fdecl = meta.get(METADATA_KEY)
            if not isinstance(fdecl, FieldDecl):
                maker = "cell" if what == "column" else "line"
                raise DeclarationError(f"{owner}.{name}: declare {what}s with gx.{maker}()")
            fdecl = attrs.evolve(fdecl, name=name)
            ann = hints.get(name)
            if what == "column" and fdecl.kind is None:
                kind = _kind_of(ann)
                if kind is None:
                    raise DeclarationError(
                        f"{owner}.{name}: annotate the column as gx.Count, gx.Delta or "
                        f"gx.Money, or pass kind="
                    )
                fdecl = attrs.evolve(fdecl, kind=kind)
            if what == "column" and fdecl.kind is Kind.MONEY and fdecl.unit is None:
                fdecl = attrs.evolve(fdecl, unit="元")
            if what == "column" and fdecl.kind is not Kind.MONEY and fdecl.unit is not None:
                raise DeclarationError(f"{owner}.{name}: only money columns have a unit")
            if what == "line" and fdecl.row is None:
                if isinstance(ann, type) and hasattr(ann, ROW_ATTR):
                    fdecl = attrs.evolve(fdecl, row=ann)
                elif ann is None and base_fields:
                    # In a variant, a new line has the shape of the lines it joins.
                    fdecl = attrs.evolve(fdecl, row=base_fields[0].row)
                else:
                    raise DeclarationError(
                        f"{owner}.{name}: annotate the line with a @gx.row class, or pass row="
                    )
            if what == "line" and not hasattr(fdecl.row, ROW_ATTR):
                raise DeclarationError(f"{owner}.{name}: row={fdecl.row!r} is not a @gx.row class")
            existing = next((j for j, f in enumerate(fields) if f.name == name), None)
            if existing is not None:
                fields[existing] = fdecl
                cursor = existing + 1
                continue
            if fdecl.after is not None:
                pos = index_of(fdecl.after) + 1
            elif fdecl.before is not None:
                pos = index_of(fdecl.before)
            elif cursor is not None:
                pos = cursor
            else:
                pos = len(fields)
            fields.insert(pos, fdecl)
            cursor = pos + 1
            continue
        if name in hints:
            maker = "cell" if what == "column" else "line"
            raise DeclarationError(
                f"{owner}.{name}: a {what} is declared with gx.{maker}(label), not {value!r}"
            )
        extra_ns[name] = value

    for name in hints:
        if name not in cls.__dict__ and not any(f.name == name for f in fields):
            raise DeclarationError(
                f"{owner}.{name}: a {what} needs gx.{'cell' if what == 'column' else 'line'}(label)"
            )
    if not fields:
        raise DeclarationError(f"{owner}: declares no {what}")
    return fields, rules, extra_ns


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


def _build(cls: type, fields: Sequence[FieldDecl], extra_ns: dict[str, Any]) -> type:
    attributes = {f.name: attrs.field(metadata={METADATA_KEY: f}, default=None) for f in fields}
    new = attrs.make_class(cls.__name__, attributes, bases=(object,), frozen=True, slots=True)
    new.__module__ = cls.__module__
    new.__qualname__ = cls.__qualname__
    new.__doc__ = cls.__doc__
    for name, value in extra_ns.items():
        setattr(new, name, value)
    return new


V = TypeVar("V")


def _pick(value: V | None, inherited: V, default: V) -> V:
    return value if value is not None else (inherited if inherited is not None else default)


@dataclass_transform(frozen_default=True, field_specifiers=(attrs.field, cell))
def row(cls: T) -> T:
    """Class decorator: declare a row shape (the columns of a table).

    Fields are columns made with :func:`cell`; class attributes made with :func:`rule`
    are rules that hold within every line of this shape.

    Args:
        cls: the class body.

    Returns:
        A frozen attrs class carrying its declaration as ``__gx_row__``.

    Raises:
        DeclarationError: a field, rule or variant operation is malformed.
    """
    base: RowDecl | None = _base_decl(cls, ROW_ATTR)
    fields, rules, extra = _collect(
        cls, base.fields if base else (), base.rules if base else (), "column"
    )
    owner = cls.__name__
    _check_unique(owner, fields, "column")
    for r in rules:
        check_rule(owner, r, fields)
    new = _build(cls, fields, extra)
    setattr(
        new,
        ROW_ATTR,
        RowDecl(
            name=owner,
            fields=tuple(fields),
            rules=tuple(rules),
            doc=(cls.__doc__ or (base.doc if base else "")).strip(),
        ),
    )
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
        base: TableDecl | None = _base_decl(cls, TABLE_ATTR)
        table_id = id if id is not None else (base.id if base else None)
        table_label = label if label is not None else (base.label if base else None)
        if table_id is None or table_label is None:
            raise DeclarationError(f"{cls.__name__}: @gx.table needs an id and a label")
        fields, rules, extra = _collect(
            cls, base.fields if base else (), base.rules if base else (), "line"
        )
        owner = cls.__name__
        _check_unique(owner, fields, "line")
        row_types = {f.row for f in fields}
        if len(row_types) != 1:
            names = sorted(getattr(t, "__name__", "?") for t in row_types)
            raise DeclarationError(
                f"{owner}: all lines of a table share one row class; found {', '.join(names)}"
            )
        for r in rules:
            check_rule(owner, r, fields)
        new = _build(cls, fields, extra)
        decl = TableDecl(
            id=table_id,
            name=owner,
            label=table_label,
            section=_pick(section, base.section if base else "", ""),
            fields=tuple(fields),
            rules=tuple(rules),
            corner=_pick(corner, base.corner if base else "", ""),
            header=_pick(header, base.header if base else "", ""),
            layout=_pick(layout, base.layout if base else "grid", "grid"),
            doc=(cls.__doc__ or (base.doc if base else "")).strip(),
        )
        setattr(new, TABLE_ATTR, decl)
        return typing.cast(T, new)

    return decorate
