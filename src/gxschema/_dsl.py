"""The declaration language: columns, lines, rules and what a variant changes.

A *columns* class (:func:`columns`) declares the columns of a table (one
:func:`column` each) and the rules that hold within every line of that shape.  A
*table* class (:func:`table`) declares its lines (one :func:`line` each, typed by a
columns class) and the rules that hold column by column.  Both are real frozen attrs
classes: attrs collects the fields (inherited ones included), a ``field_transformer``
applies what a variant says (:func:`drop`, :func:`amend`, ``after=``/``before=``),
``attrs.resolve_types`` resolves the annotations, and the rules are gathered from the
class and its declared base.  Instances are the typed view of a report: a table
instance's fields are columns instances whose fields are :class:`~gxschema.Cell`
(None where the input had no such cell); see :func:`gxschema.typed_view`.

**A variant is a subclass, and a subtype.**  ``class Applications2021(Applications2019)``
declares the same table (same id, same place in a report) read and checked in another
way, and ``issubclass(Applications2021, Applications2019)`` is True, as the source
says.  What a subtype promises here is what the engines rely on: an instance of the
variant is a reading of the base's table, with the same constructor protocol (every
field is optional, by keyword) and the same kind of fields (cells, or lines of
cells).  It does not promise that every attribute of the base is present: a dropped
line is not set on the variant's instances, just as a report of the variant does not
contain it.  Declaring variants with a function instead would make the common case
(one changed line) longer and hide the base from type checkers, for no gain.

A subclass of a declared class must be declared too (decorated again): a forgotten
decorator would silently lose the subclass's new lines and rules, so it is a
:class:`~gxschema.exceptions.DeclarationError` as soon as the class is used.
The decorators live in :mod:`gxschema._declare`; the public names are gathered in
:mod:`gxschema.dsl`.  Everything else is checked when the class is created; a bad declaration raises
:class:`~gxschema.exceptions.DeclarationError` naming the class and the field.
Engines never read these classes: they read the compiled spec (:mod:`gxschema._spec`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from gxschema._cell import Cell
from gxschema._expr import Relation
from gxschema._rules import Severity
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
    "column",
    "drop",
    "line",
    "row_decl",
    "rule",
    "table_decl",
]

METADATA_KEY = "gxschema"
"""The key under which gxschema keeps its facts in ``attrs`` field metadata."""

#: Annotation for a column holding a count of items (integer, ≥ 0).
Count: TypeAlias = typing.Annotated[Cell, Kind.COUNT]
#: Annotation for a column holding a signed change (``-55``, ``增1万``).
Delta: TypeAlias = typing.Annotated[Cell, Kind.DELTA]
#: Annotation for a column holding an amount of money (Decimal, ≥ 0, with a unit).
Money: TypeAlias = typing.Annotated[Cell, Kind.MONEY]

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
    """One declared column (of a :func:`columns` class) or line (of a table class).

    Attributes:
        name: the field's Python name, which is also its id in reports.
        label: the official label, verbatim.
        aliases: other spellings that mean the same field.
        path: the headings above it (column groups, or the lines' ``under``).
        kind: for a column, what its cells hold.
        unit: for a money column, the unit its values are expressed in.
        row: for a line, the :func:`columns` class that gives its columns.
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
        owner: the name of the class that declared it (set by the class).
    """

    id: str
    relation: Relation
    severity: Severity = "error"
    zh: str = ""
    en: str = ""
    doc: str = ""
    name: str = ""
    owner: str = ""


@attrs.frozen
class RowDecl:
    """The compiled declaration of a :func:`columns` class: its columns and its rules."""

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
        """The declaration of the columns class all lines share."""
        row_cls = self.fields[0].row
        assert row_cls is not None
        return row_decl(row_cls)


@attrs.frozen
class _Drop:
    targets: tuple[str, ...]


@attrs.frozen
class _Amend:
    label: str | None
    aliases: tuple[str, ...]
    doc: str | None


def column(
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
    """Declare a column of a :func:`columns` class.

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
        An ``attrs`` field (default None: a cell the input did not contain) carrying
        the declaration in its metadata.
    """
    if kind is not None and not isinstance(kind, Kind):
        raise DeclarationError(f"kind must be a Kind, not {kind!r}")
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
    return attrs.field(default=None, metadata={METADATA_KEY: decl})


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
            lines by it (``lines(under=...)``).
        aliases: other spellings that mean this line.
        row: the :func:`columns` class giving its columns; by default read from the
            annotation, or, for a line a variant adds without one, the columns class of
            the base's lines.
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
    return attrs.field(default=None, metadata={METADATA_KEY: decl})


def rule(
    id: str,
    relation: Relation,
    *,
    severity: Severity = "error",
    zh: str = "",
    en: str = "",
    doc: str = "",
) -> Any:
    """Declare a rule of a columns class (per line) or of a table class (per column).

    Message templates may use ``{where}`` (the line or column the rule was applied to),
    ``{lhs}``, ``{rhs}``, ``{difference}``, ``{tolerance}``, ``{lhs_expr}`` and
    ``{rhs_expr}``; when omitted, a message is made from the relation.

    Args:
        id: the stable rule id, e.g. ``"C3.balance"``.
        relation: a comparison built from :data:`this`.
        severity: ``"error"`` (a hard rule) or ``"warning"`` (a soft check).
        zh: the Chinese message template.
        en: the English message template.
        doc: a note for the generated reference.

    Returns:
        A rule declaration, picked up by :func:`columns` or :func:`table`.

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


def drop(*targets: str) -> Any:
    """In a variant, remove inherited lines, columns or rules.

    ``r6 = drop()`` removes what the base declares under the attribute name ``r6``;
    ``dropped = drop("C3.results_total", "r6")`` removes each target named, by
    attribute name or, for a rule, by its id (the reference pages list both).

    Args:
        targets: attribute names or rule ids; none means the name assigned to.

    Returns:
        A marker picked up by :func:`columns` or :func:`table`.

    Raises:
        DeclarationError: a target is not a non-empty string.
    """
    return _Drop(tuple(_text(t, "a drop() target") for t in targets))


def amend(*, label: str | None = None, aliases: Iterable[str] = (), doc: str | None = None) -> Any:
    """In a variant, change an inherited field's label or add aliases to it.

    Args:
        label: a new label, or None to keep the inherited one.
        aliases: aliases added to the inherited ones.
        doc: a new reference note, or None to keep it.

    Returns:
        A marker picked up by :func:`columns` or :func:`table`.
    """
    return _Amend(
        label=_text(label, "a label") if label is not None else None,
        aliases=_texts(aliases, "aliases"),
        doc=doc,
    )


# -- class processing ---------------------------------------------------------------

ROW_ATTR = "__gx_row__"
TABLE_ATTR = "__gx_table__"
_DECORATOR = {ROW_ATTR: "@dsl.columns", TABLE_ATTR: "@dsl.table()"}

D = TypeVar("D", RowDecl, TableDecl)


def _forgotten(cls: type, attr: str) -> str:
    base = next(b for b in cls.__mro__[1:] if attr in b.__dict__)
    own = sorted(n for n in vars(cls) if not (n.startswith("__") and n.endswith("__")))
    return (
        f"{cls.__name__} subclasses the declared class {base.__name__} but is not "
        f"decorated with {_DECORATOR[attr]}; without it, its own attributes "
        f"({', '.join(own) or 'none'}) would be ignored"
    )


def _decl_of(cls: type, attr: str, kind: type[D]) -> D:
    decl = cls.__dict__.get(attr) if isinstance(cls, type) else None
    if isinstance(decl, kind):
        return decl
    if isinstance(getattr(cls, attr, None), kind):
        raise DeclarationError(_forgotten(cls, attr))
    raise DeclarationError(f"{cls!r} is not a {_DECORATOR[attr]} class")


def row_decl(cls: type) -> RowDecl:
    """Return the declaration of a :func:`columns` class.

    Raises:
        DeclarationError: the class is not one (or is an undecorated subclass of one).
    """
    return _decl_of(cls, ROW_ATTR, RowDecl)


def table_decl(cls: type) -> TableDecl:
    """Return the declaration of a :func:`table` class.

    Raises:
        DeclarationError: the class is not one (or is an undecorated subclass of one).
    """
    return _decl_of(cls, TABLE_ATTR, TableDecl)
