"""Rules as expression trees.

A rule is written with the symbolic handle :data:`this` (as in construct's ``this``):
``this.total == dsl.sum_of(this, exclude=("total",))`` builds a small immutable tree,
not a lambda, so the same rule can be printed, evaluated, compiled to a linear form
(``Σ wᵢ·cellᵢ + c  op  0`` with integer weights), solved by the strategies and handed
to a solver by the diagnosis.

Inside a row declaration ``this.name`` names a *column* and the rule is broadcast over
every line of every table that uses the row; inside a table declaration ``this.name``
names a *line* and the rule is broadcast over every column.  Selectors such as
:func:`sum_of` and :func:`lines` are resolved when the declaration is compiled, so a
variant that adds or drops lines gets the rule right without restating it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeAlias, Union

import attrs

from gxschema.exceptions import DeclarationError

__all__ = [
    "Const",
    "Expr",
    "LineSelector",
    "Ref",
    "Relation",
    "Scaled",
    "Sum",
    "SumOf",
    "lines",
    "sum_of",
    "this",
]

Op: TypeAlias = Literal["==", "<=", ">="]
Operand: TypeAlias = Union["Expr", int]


class Expr:
    """A node of a rule's expression tree.

    Nodes compare with ``==``, ``<=`` and ``>=`` to build a :class:`Relation`, so they
    use identity for hashing; compare trees with :meth:`same_as`.
    """

    __slots__ = ()

    def __add__(self, other: Operand) -> Expr:
        return Sum((self, _as_expr(other)))

    def __radd__(self, other: Operand) -> Expr:
        return Sum((_as_expr(other), self))

    def __sub__(self, other: Operand) -> Expr:
        return Sum((self, Scaled(-1, _as_expr(other))))

    def __rsub__(self, other: Operand) -> Expr:
        return Sum((_as_expr(other), Scaled(-1, self)))

    def __neg__(self) -> Expr:
        return Scaled(-1, self)

    def __mul__(self, weight: int) -> Expr:
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise DeclarationError(f"rule weights are integers, not {weight!r}")
        return Scaled(weight, self)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> Relation:  # type: ignore[override]
        return Relation("==", self, _as_expr(other))

    def __le__(self, other: Operand) -> Relation:
        return Relation("<=", self, _as_expr(other))

    def __ge__(self, other: Operand) -> Relation:
        return Relation(">=", self, _as_expr(other))

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise DeclarationError(
            "a rule expression has no truth value; write it as a comparison "
            "(==, <=, >=) and pass it to dsl.rule()"
        )

    def same_as(self, other: Expr) -> bool:
        """Tell whether two trees are the same expression (structural equality).

        Args:
            other: the tree to compare with.

        Returns:
            True when both trees print the same.
        """
        return str(self) == str(other)


def _as_expr(value: object) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Const(value)
    raise DeclarationError(f"a rule can combine cells, integers and dsl.sum_of(...), not {value!r}")


@attrs.frozen(eq=False, repr=False)
class Ref(Expr):
    """A named field of ``this``: a column in a row rule, a line in a table rule."""

    name: str

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


@attrs.frozen(eq=False, repr=False)
class Const(Expr):
    """An integer constant."""

    value: int

    def __str__(self) -> str:
        return str(self.value)

    __repr__ = __str__


@attrs.frozen(eq=False, repr=False)
class Scaled(Expr):
    """An expression times an integer weight."""

    weight: int
    expr: Expr

    def __str__(self) -> str:
        inner = str(self.expr)
        if isinstance(self.expr, Sum):
            inner = f"({inner})"
        if self.weight == -1:
            return f"-{inner}"
        return f"{self.weight}·{inner}"

    __repr__ = __str__


@attrs.frozen(eq=False, repr=False)
class Sum(Expr):
    """The sum of several expressions."""

    terms: tuple[Expr, ...]

    def __str__(self) -> str:
        out = ""
        for i, term in enumerate(self.terms):
            text = str(term)
            if i == 0:
                out = text
            elif text.startswith("-"):
                out += f" - {text[1:]}"
            else:
                out += f" + {text}"
        return out

    __repr__ = __str__


@attrs.frozen(repr=False)
class LineSelector:
    """Lines (or columns) chosen by where they sit, resolved at compile time.

    Built by :func:`lines` and by ``sum_of(this, exclude=...)``.
    """

    under: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = []
        if self.under:
            parts.append("under " + " / ".join(self.under))
        if self.exclude:
            parts.append("except " + ", ".join(self.exclude))
        return "all" + (" " + "; ".join(parts) if parts else "")

    __repr__ = __str__


@attrs.frozen(eq=False, repr=False)
class SumOf(Expr):
    """The sum over a selection of fields, expanded when the declaration compiles."""

    selector: LineSelector

    def __str__(self) -> str:
        return f"Σ({self.selector})"

    __repr__ = __str__


@attrs.frozen(eq=False, repr=False)
class Relation:
    """``lhs op rhs``: the body of a rule."""

    op: Op
    lhs: Expr
    rhs: Expr

    def __str__(self) -> str:
        return f"{self.lhs} {self.op} {self.rhs}"

    __repr__ = __str__

    def __bool__(self) -> bool:
        raise DeclarationError(
            "a rule relation has no truth value; pass it to dsl.rule() instead of testing it"
        )


class _This:
    """The symbolic handle for the fields of the class being declared."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Ref:
        if name.startswith("__"):
            raise AttributeError(name)
        return Ref(name)

    def __repr__(self) -> str:
        return "this"


this = _This()
"""Symbolic handle: ``this.total`` names the field ``total`` of the declaring class."""


def lines(*, under: str | Sequence[str] = (), exclude: Iterable[str] = ()) -> LineSelector:
    """Select the lines declared under a heading, for use in :func:`sum_of`.

    Args:
        under: a heading label (or a path of heading labels) the lines sit under.
        exclude: field names to leave out.

    Returns:
        A selector resolved when the declaration compiles.
    """
    path = (under,) if isinstance(under, str) else tuple(under)
    return LineSelector(under=path, exclude=tuple(exclude))


def sum_of(selection: _This | LineSelector, *, exclude: Iterable[str] = ()) -> SumOf:
    """Sum over every field of ``this`` or over a :func:`lines` selection.

    Args:
        selection: :data:`this` (all fields of the declaring class) or ``lines(...)``.
        exclude: more field names to leave out.

    Returns:
        An expression node expanded when the declaration compiles.

    Raises:
        DeclarationError: ``selection`` is neither.
    """
    if isinstance(selection, _This):
        return SumOf(LineSelector(exclude=tuple(exclude)))
    if isinstance(selection, LineSelector):
        return SumOf(
            LineSelector(under=selection.under, exclude=selection.exclude + tuple(exclude))
        )
    raise DeclarationError(f"sum_of() takes `this` or lines(...), not {selection!r}")


#: A linear form: weights by field name, plus a constant.
Linear: TypeAlias = tuple[dict[str, int], int]


def linearize(
    expr: Expr,
    *,
    select: Callable[[LineSelector], tuple[str, ...]] | None = None,
) -> Linear:
    """Compile an expression to ``({field: weight}, constant)``.

    Args:
        expr: the tree.
        select: turns a :class:`LineSelector` into the field names it selects.

    Returns:
        The weights by field name (zero weights removed) and the constant term.

    Raises:
        DeclarationError: a selector appears but nothing can resolve it.
    """
    weights: dict[str, int] = {}
    const = 0

    def walk(node: Expr, factor: int) -> None:
        nonlocal const
        if isinstance(node, Ref):
            weights[node.name] = weights.get(node.name, 0) + factor
        elif isinstance(node, Const):
            const += factor * node.value
        elif isinstance(node, Scaled):
            walk(node.expr, factor * node.weight)
        elif isinstance(node, Sum):
            for term in node.terms:
                walk(term, factor)
        elif isinstance(node, SumOf):
            if select is None:
                raise DeclarationError(f"{node} needs a declaration to resolve against")
            for name in select(node.selector):
                weights[name] = weights.get(name, 0) + factor
        else:  # pragma: no cover - every node class is handled above
            raise DeclarationError(f"unknown expression node {node!r}")

    walk(expr, 1)
    return {k: v for k, v in weights.items() if v != 0}, const
