"""The exceptions gxschema raises, all of them.

Everything derives from :class:`GxSchemaError`, so ``except GxSchemaError`` catches
every failure of the library and nothing else.  Misuse of the declaration language is
a :class:`DeclarationError` (also a :class:`TypeError`); bad input is a
:class:`ParseError` (also a :class:`ValueError`) that says where in the input it is;
one cell's text that is not a value of its column's kind is a :class:`ValueParseError`;
several unreadable cells come together as one :class:`CellErrors`, an
:class:`ExceptionGroup` holding a :class:`ParseError` per cell (as cattrs groups its
validation errors), so ``except* ParseError`` sees each of them.  Rule failures are not
exceptions: :func:`gxschema.validate` returns them as records; :class:`ValidationError`
groups them for callers who prefer to raise.

This module imports nothing from the rest of the package, so every other module can
import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "CellErrors",
    "DeclarationError",
    "GxSchemaError",
    "ParseError",
    "ValidationError",
    "ValueParseError",
]


class _Violation(Protocol):
    @property
    def rule(self) -> str: ...  # pragma: no cover - a protocol


class GxSchemaError(Exception):
    """The root of every exception gxschema raises."""


class DeclarationError(GxSchemaError, TypeError):
    """A template, table, column shape or rule was declared wrongly.

    Raised when the class is created (or the template compiled), never later, and the
    message names the declaration and the argument at fault.
    """


class ParseError(GxSchemaError, ValueError):
    """The input could not be read.

    Args:
        message: what is wrong, in words a user can act on.
        source: the file name (or ``"<text>"``, ``"<bytes>"``) the input came from.
        location: where in the input, when known (a :class:`gxschema.Location`, or
            for JSON input the dotted path of the offending member).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: object | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.location = location
        super().__init__(self._format())

    def _format(self) -> str:
        where = ", ".join(
            part for part in (self.source, str(self.location) if self.location else None) if part
        )
        return f"{where}: {self.message}" if where else self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_parse_error, (type(self), self.message, self.source, self.location))


def _rebuild_parse_error(
    cls: type[ParseError], message: str, source: str | None, location: object | None
) -> ParseError:
    return cls(message, source=source, location=location)


class CellErrors(ParseError, ExceptionGroup[ParseError]):
    """Several cells of one input could not be read; each is a :class:`ParseError`.

    Nothing is dropped: every unreadable cell is in :attr:`exceptions`, with its
    location.  ``except ParseError`` catches the group; ``except* ParseError`` sees
    each cell's error.

    Args:
        message: a summary, e.g. ``"3 cells could not be read"``.
        errors: one :class:`ParseError` per cell, in document order.
        source: the input's name.
    """

    def __new__(
        cls, message: str, errors: Sequence[ParseError], *, source: str | None = None
    ) -> CellErrors:
        """Create the group (``ExceptionGroup`` takes its arguments in ``__new__``)."""
        return ExceptionGroup.__new__(cls, message, tuple(errors))

    def __init__(
        self, message: str, errors: Sequence[ParseError], *, source: str | None = None
    ) -> None:
        # ExceptionGroup owns ``message`` (read-only); the rest is ParseError's.  The
        # group's location is its first cell's.
        self.source = source
        self.location = errors[0].location if errors else None
        ExceptionGroup.__init__(self, message, tuple(errors))

    def __str__(self) -> str:
        head = f"{self.source}: {self.message}" if self.source else self.message
        return "\n".join([head, *(f"  {e}" for e in self.exceptions)])

    def derive(self, excs: Sequence[ParseError]) -> CellErrors:  # type: ignore[override]
        """Return a group of the same kind holding ``excs`` (for ``except*``)."""
        return CellErrors(self.message, excs, source=self.source)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_cell_errors, (self.message, tuple(self.exceptions), self.source))


def _rebuild_cell_errors(
    message: str, errors: tuple[ParseError, ...], source: str | None
) -> CellErrors:
    return CellErrors(message, errors, source=source)


class ValueParseError(GxSchemaError, ValueError):
    """The raw text of a cell is not a value of the cell's kind.

    The message quotes the text and says what is wrong with it; the caller, who
    knows where the cell is, adds the location (as a :class:`ParseError`).

    Args:
        raw: the text as it was given to :func:`gxschema.values.parse_value`.
        reason: what is wrong with it, e.g. ``"is not a whole number"``.
    """

    def __init__(self, raw: str, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"{raw!r} {reason}")

    def __reduce__(self) -> tuple[type[ValueParseError], tuple[str, str]]:
        return (type(self), (self.raw, self.reason))


class ValidationError(GxSchemaError, ValueError):
    """A report breaks error-severity rules; raised only on request.

    Args:
        violations: every violation found, in the order :func:`gxschema.validate` gives.
    """

    def __init__(self, violations: Sequence[_Violation]) -> None:
        self.violations = tuple(violations)
        rules = sorted({v.rule for v in self.violations})
        super().__init__(f"{len(self.violations)} violation(s) of {', '.join(rules) or 'no rule'}")
