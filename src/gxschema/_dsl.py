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

import re
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from gxschema._cell import Cell
from gxschema._expr import Expr, Relation
from gxschema._rules import Severity
from gxschema._values import MONEY_UNITS, Kind
from gxschema.exceptions import DeclarationError

__all__ = [
    "ClaimDecl",
    "Count",
    "Delta",
    "FieldDecl",
    "Money",
    "RowDecl",
    "RuleDecl",
    "TableDecl",
    "amend",
    "claim",
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
        notes: for a column, words that, in a note printed beside a value, say the
            value is this column's.
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
    notes: tuple[str, ...] = ()


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


@attrs.frozen(eq=False)
class ClaimDecl:
    """A declared narrative claim: words of the prose that state a number of the table.

    Attributes:
        id: the stable claim id (``T.received``).
        cells: the lines whose sum, in ``column``, the stated number repeats.
        column: the column the lines are read in (``total``).
        phrases: regular expressions for the words that introduce the number
            (``收到|受理``); a few words may stand between them and the number.
        also: other sums of lines the prose may mean instead (``new + carried_in`` for
            共受理N件（含上年结转M件）); a stated number equal to one of them holds too.
        units: the measure words that must follow the number (``件``, ``起``).
        wording: how the writers state it, ``{n}`` standing for the number (empty:
            they do not).
        section: the heading of the section the writers state it in.
        share_of: the lines a percentage printed after the number is a share of.
        share_id: the id of that percentage's check.
        doc: a note for the generated reference.
        name: the attribute name it was declared under (set by the class).
        owner: the name of the class that declared it (set by the class).
    """

    id: str
    cells: Expr
    column: str
    phrases: tuple[str, ...]
    also: tuple[Expr, ...] = ()
    units: tuple[str, ...] = ("件",)
    wording: str = ""
    section: str = ""
    share_of: Expr | None = None
    share_id: str = ""
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
    claims: tuple[ClaimDecl, ...] = ()

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
    phrases: tuple[str, ...] = ()


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
    notes: Iterable[str] = (),
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
        notes: words that, in a note printed beside a value (``（含自然失效 29 件）``
            beside a count of repealed documents), say the value is this column's.  A
            converter that prints a cell of two lines apart from its row leaves only
            this to tell which column the value came from; a note naming the words of
            exactly one column places it there.

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
        notes=_texts(notes, "notes"),
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


def amend(
    *,
    label: str | None = None,
    aliases: Iterable[str] = (),
    doc: str | None = None,
    phrases: Iterable[str] = (),
) -> Any:
    """In a variant, change an inherited field's label or aliases, or a claim's phrases.

    Args:
        label: a new label, or None to keep the inherited one (fields only).
        aliases: aliases added to the inherited ones (fields only).
        doc: a new reference note, or None to keep it.
        phrases: phrases added to an inherited :func:`claim`'s (claims only).

    Returns:
        A marker picked up by :func:`columns` or :func:`table`.

    Raises:
        DeclarationError: a text is empty, or a phrase is not a regular expression.
    """
    return _Amend(
        label=_text(label, "a label") if label is not None else None,
        aliases=_texts(aliases, "aliases"),
        doc=doc,
        phrases=_phrases(phrases, "amend()"),
    )


def _phrases(value: Iterable[str], owner: str) -> tuple[str, ...]:
    out = _texts(value, f"{owner}: phrases")
    for phrase in out:
        try:
            pattern = re.compile(phrase)
        except re.error as exc:
            raise DeclarationError(
                f"{owner}: the phrase {phrase!r} is not a regular expression: {exc}"
            ) from None
        if pattern.match(""):
            raise DeclarationError(f"{owner}: the phrase {phrase!r} matches the empty text")
    return out


def claim(
    id: str,
    cells: Expr,
    *,
    column: str,
    phrases: Iterable[str],
    also: Iterable[Expr] = (),
    units: Iterable[str] = ("件",),
    wording: str | None = None,
    section: str = "",
    share_of: Expr | None = None,
    share_id: str = "T.share",
    doc: str = "",
) -> Any:
    """Declare a narrative claim of a table class: a number the prose repeats.

    Reports state some figures of their tables again in words (``共收到申请2件``).  A
    claim says which words introduce such a number and which cells it repeats, so the
    prose can be checked against the table (:func:`gxschema.claims`).  Phrases are data
    of the declaration, as labels are: a variant adds phrases with :func:`amend`, drops
    a claim with :func:`drop` (by attribute name or id), or redeclares it.

    Args:
        id: the stable claim id, e.g. ``"T.received"``.
        cells: the lines whose sum the number repeats, built from :data:`this`,
            :func:`sum_of` and :func:`lines` as in a table rule.
        column: the column id the lines are read in (``"total"``).
        phrases: regular expressions for the words that introduce the number; they
            are searched in the words before it, the nearest (and then the longest)
            match naming the claim.
        also: other sums of lines the same words may mean; a stated number equal to
            one of them holds, and the finding says which.
        units: the measure words that must follow the number.
        wording: how the writers state the claim in the report's text, ``{n}``
            standing for the number (``结转下年度继续办理{n}件``); by default the first
            phrase, the number and the first unit, when that phrase is plain words.
        section: the heading of the section the writers state it in (``一、总体情况``);
            empty: the writers do not state it.
        share_of: the lines (in the same column) of which a percentage printed right
            after the number (``予以公开10件，占20%``, ``（17.46%）``) is the share: it
            should be 100 × the number / their sum, to the printed precision.
        share_id: the id of the percentage's check.
        doc: a note for the generated reference.

    Returns:
        A claim declaration, picked up by :func:`table`.

    Raises:
        DeclarationError: the id, phrases, units or cells are malformed.
    """
    if not isinstance(id, str) or not id.strip():
        raise DeclarationError(f"a claim needs a non-empty string id, not {id!r}")
    exprs = (cells, *also, *((share_of,) if share_of is not None else ()))
    for expr in exprs:
        if not isinstance(expr, Expr):
            raise DeclarationError(
                f"claim {id!r}: cells are lines such as `this.new` or "
                f"`sum_of(lines(under=...))`, not {expr!r}"
            )
    found = _phrases(phrases, f"claim {id!r}")
    if not found:
        raise DeclarationError(f"claim {id!r} needs at least one phrase")
    measure = _texts(units, f"claim {id!r}: units")
    if not measure:
        raise DeclarationError(f"claim {id!r} needs at least one unit")
    if wording is None:
        plain = re.escape(found[0]) == found[0]
        wording = f"{found[0]}{{n}}{measure[0]}" if plain else ""
    if wording and wording.count("{n}") != 1:
        raise DeclarationError(f"claim {id!r}: the wording {wording!r} needs one {{n}}")
    return ClaimDecl(
        id=id,
        cells=cells,
        column=_text(column, f"claim {id!r}: the column"),
        phrases=found,
        also=tuple(also),
        units=measure,
        wording=wording,
        section=section,
        share_of=share_of,
        share_id=_text(share_id, f"claim {id!r}: share_id") if share_of is not None else "",
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
