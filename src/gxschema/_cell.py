"""A cell and where it came from: the smallest pieces of a report.

Kept apart from :mod:`gxschema._report` so that the declaration language, which
annotates columns with :class:`Cell`, does not depend on the report (which knows its
compiled spec).
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from gxschema._construct import constructor
from gxschema._values import BLANK, Value

__all__ = ["Cell", "How", "Location"]

How: TypeAlias = Literal["cell", "label", "order", "split", "joined"]
"""How a reader placed a cell's value: ``cell`` read from its own table cell (a grid
reader matching labels and headers); ``label`` found after its line's label in text
whose table lost its cell boundaries (the aligner), taken in column order; ``order``
placed by its position (a row without its label, a flat table's run of values);
``split`` a run of digits cut into cells by the declared rules; ``joined`` digit
fragments broken over lines inside one cell, joined back."""


@attrs.frozen
class Location:
    """Where in the input something came from.

    Text forms give ``line`` and ``column`` (1-based; ``column`` counts tab-separated
    cells); table forms give ``table``, ``row`` and ``cell`` (0-based grid positions);
    paged forms add ``page``.  Unknown parts are None.
    """

    line: int | None = None
    column: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    def __str__(self) -> str:
        parts = []
        for name in ("page", "line", "column", "table", "row", "cell"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}")
        return ", ".join(parts) or "unknown location"


@attrs.frozen
class Cell:
    """One value cell of a report: what it means, what was printed, and where.

    Equality compares the value, the raw text and ``inferred``, not ``source``.

    Attributes:
        value: a :class:`~gxschema.Number` or :data:`~gxschema.BLANK`.
        raw: the cell's text exactly as printed.
        source: where it was read from, when it was read.
        inferred: True when a reader had to infer the cell (for example by splitting
            digits that ran together); never silently.
        how: how the reader placed the value (see :data:`How`); None for a cell that
            was not read (generated, or built by hand).  Provenance: not compared.
        asides: text printed in the cell that is not part of its value, kept apart:
            footnote marks (a superscript ``1`` after ``12``), struck-out and hidden
            text.  Provenance: not compared, but written to and read from JSON.
    """

    value: Value = BLANK
    raw: str = ""
    source: Location | None = attrs.field(default=None, eq=False)
    inferred: bool = False
    how: How | None = attrs.field(default=None, eq=False)
    asides: tuple[str, ...] = attrs.field(default=(), eq=False)

    @property
    def is_blank(self) -> bool:
        """True when the cell was printed blank (which is not the same as 0)."""
        return self.value is BLANK


make_cell = constructor(Cell)
"""``Cell(value, raw, source, inferred, how, asides)``, every field given (quicker)."""
_make_location = constructor(Location)


def read_cell(value: Value, raw: str, source: Location | None, how: How | None) -> Cell:
    """``Cell(value, raw, source, False, how)`` for parts a reader has already checked.

    The same instance attrs' ``__init__`` builds (every slot set, nothing validated,
    as ``Cell`` declares no validators), built faster: the JSON reader builds one per
    cell.
    """
    return make_cell(value, raw, source, False, how, ())


def text_location(line: int, column: int) -> Location:
    """``Location(line, column)`` for integers a reader has already checked (faster)."""
    return _make_location(line, column, None, None, None, None)
