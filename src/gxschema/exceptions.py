"""The exceptions gxschema raises.

Everything derives from :class:`GxSchemaError`, so ``except GxSchemaError`` catches
every failure of the library and nothing else.  Misuse of the declaration language is
a :class:`DeclarationError` (also a :class:`TypeError`); bad input is a
:class:`ParseError` (also a :class:`ValueError`) that says where in the input it is.
Rule failures are not exceptions: :func:`gxschema.validate` returns them as
:class:`gxschema.Violation` records.  :class:`ValidationError` groups them for callers
who prefer to raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from gxschema._report import Location
    from gxschema._validate import Violation

__all__ = ["DeclarationError", "GxSchemaError", "ParseError", "ValidationError"]


class GxSchemaError(Exception):
    """The root of every exception gxschema raises."""


class DeclarationError(GxSchemaError, TypeError):
    """A template, table, row or rule was declared wrongly.

    Raised when the class is created (or the template compiled), never later, and the
    message names the declaration and the argument at fault.
    """


class ParseError(GxSchemaError, ValueError):
    """The input could not be read.

    Args:
        message: what is wrong, in words a user can act on.
        source: the file name (or ``"<text>"``, ``"<bytes>"``) the input came from.
        location: where in the input, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: Location | None = None,
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


class ValidationError(GxSchemaError, ValueError):
    """A report breaks error-severity rules; raised only on request.

    Args:
        violations: every violation found, in the order :func:`gxschema.validate` gives.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        rules = sorted({v.rule for v in self.violations})
        super().__init__(f"{len(self.violations)} violation(s) of {', '.join(rules) or 'no rule'}")
