"""Which template a grid follows, table by table, from what its declarations made of it.

Part of the mapper (:mod:`gxschema._mapper`): after the one pass over the grid, each
table id holds one reading per distinct declaration among the candidates.  A
candidate's score is the sum of its tables' scores; the best one is kept, ties broken
by the report year and then by the candidates' order.  A table another candidate
declares differently, and whose labels fit that declaration better, is read with it
(the template is then composed, e.g. ``national-2021[s3=national-2019]``).  The reason
is recorded per table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar

import attrs

from gxschema._grid import Grid
from gxschema._labelindex import LabelIndex
from gxschema._spec import TableSpec, TemplateSpec

__all__ = ["Choice", "TableReading", "choose", "grid_year"]

_YEAR = re.compile(r"(20[1-9]\d)\s*年")


class TableReading(Protocol):
    """What one declaration of a table made of the rows routed to it."""

    @property
    def spec(self) -> TableSpec:
        """The declaration."""

    @property
    def matched(self) -> int:
        """Lines matched by label."""

    @property
    def fuzzy(self) -> list[str]:
        """Damaged labels read as lines."""

    @property
    def layout_note(self) -> str:
        """How the columns were resolved."""

    @property
    def notes(self) -> list[str]:
        """Other remarks (joined labels, split digits)."""

    @property
    def header_misses(self) -> int:
        """Header labels the declaration does not know."""

    @property
    def cells(self) -> Mapping[str, object]:
        """The cells read, by line id."""

    def score(self, row_extras: int) -> float | None:
        """How well the labels fit; None when the table was not found."""


S = TypeVar("S", bound=TableReading)


@attrs.frozen
class Choice(Generic[S]):
    """The template kept and, per table id, the reading of the declaration it uses.

    Attributes:
        spec: the template kept (composed when tables fit other declarations better).
        states: table id → the reading used (only tables the grid routed rows to).
        reasons: table id → why, in words.
    """

    spec: TemplateSpec
    states: Mapping[str, S]
    reasons: Mapping[str, str]


def grid_year(grid: Grid) -> int | None:
    """The report year named in the first heading rows, if any."""
    for row in grid.rows[:40]:
        if row.heading:
            m = _YEAR.search(row.cells[0].text)
            if m:
                return int(m.group(1))
    return None


def _in_years(spec: TemplateSpec, year: int | None) -> bool:
    if year is None:
        return False
    return (spec.first_year is None or spec.first_year <= year) and (
        spec.last_year is None or year <= spec.last_year
    )


class _Scores(Generic[S]):
    """The candidates' readings of each table, and their scores."""

    def __init__(
        self,
        index: LabelIndex,
        slots: Mapping[str, Sequence[S]],
        row_extras: Mapping[str, int],
    ) -> None:
        self.index = index
        self.slots = slots
        self.table_scores = {
            table_id: [st.score(row_extras.get(table_id, 0)) for st in states]
            for table_id, states in slots.items()
        }

    def reading(self, candidate: int, table_id: str) -> S | None:
        number = self.index.declaration(candidate, table_id)
        if number is None or table_id not in self.slots:
            return None
        return self.slots[table_id][number]

    def table_score(self, candidate: int, table_id: str) -> float | None:
        number = self.index.declaration(candidate, table_id)
        if number is None or table_id not in self.slots:
            return None
        return self.table_scores[table_id][number]

    def score(self, candidate: int) -> float:
        return sum(self.table_score(candidate, t) or 0.0 for t in self.slots)

    def same_shape(self, table_id: str, a: int, b: int | None) -> bool:
        """Whether candidates a and b declare a table with the same labels."""
        number_a = self.index.declaration(a, table_id)
        number_b = None if b is None else self.index.declaration(b, table_id)
        if number_a is None or number_b is None:
            return number_a is None and number_b is None
        shapes = self.index.shapes[table_id]
        return shapes[number_a] == shapes[number_b]


def _better_tables(scores: _Scores[S], best: int, others: Sequence[int]) -> dict[str, int]:
    """Tables another candidate declares differently and whose labels fit it better."""
    out: dict[str, int] = {}
    for table_id in scores.slots:
        mine = scores.table_score(best, table_id)
        top = mine if mine is not None else 0.0
        for other in others:
            score = scores.table_score(other, table_id)
            if score is None or score <= top:
                continue
            if scores.same_shape(table_id, other, best):
                continue
            out[table_id], top = other, score
    return out


def _reason(scores: _Scores[S], table_id: str, used: int, others: Sequence[int]) -> str:
    state = scores.reading(used, table_id)
    assert state is not None
    table = state.spec
    parts = [f"{state.matched} of {len(table.lines)} lines matched by label"]
    missing = [ln.label for ln in table.lines if ln.id not in state.cells]
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if state.fuzzy:
        parts.append("damaged labels: " + "; ".join(state.fuzzy))
    if state.layout_note:
        parts.append(state.layout_note)
    parts.extend(state.notes)
    # Name the best candidate whose declaration of this table differs from the one used.
    for other in others:
        reading = scores.reading(other, table_id)
        if reading is None or scores.same_shape(table_id, other, used):
            continue
        parts.append(
            f"rather than {scores.index.specs[other].id}, which matched {reading.matched} of "
            f"{len(reading.spec.lines)} lines"
            + (
                f" and left {reading.header_misses} header label(s) unknown"
                if reading.header_misses
                else ""
            )
        )
        break
    return "; ".join(parts)


def choose(
    index: LabelIndex,
    slots: Mapping[str, Sequence[S]],
    row_extras: Mapping[str, int],
    year: int | None,
    compose: Callable[[str, Mapping[str, str]], TemplateSpec] | None,
) -> Choice[S]:
    """Keep the best-fitting candidate, composed with better-fitting declarations.

    Args:
        index: the candidates' label index.
        slots: table id → one reading per declaration (``index.declarations``' order).
        row_extras: table id → rows of the table that no declaration knows.
        year: the report year, which breaks ties between candidates.
        compose: builds a template with tables taken from others (see
            :func:`gxschema._mapper.map_grid`); None keeps the best candidate whole.

    Returns:
        The template, the readings used and the reasons.
    """
    scores = _Scores(index, slots, row_extras)
    specs = index.specs
    ranked = sorted(
        range(len(specs)),
        key=lambda i: (scores.score(i), _in_years(specs[i], year), -i),
        reverse=True,
    )
    best, others = ranked[0], ranked[1:]
    spec = specs[best]
    used = {t.id: best for t in spec.tables}
    why: dict[str, str] = {}
    if compose is not None and others:
        better = _better_tables(scores, best, others)
        if better:
            spec = compose(specs[best].id, {t: specs[o].id for t, o in better.items()})
            for table_id, other in better.items():
                used[table_id] = other
                why[table_id] = (
                    f"its labels fit {specs[other].id}'s declaration better than "
                    f"{specs[best].id}'s; "
                )
    states: dict[str, S] = {}
    reasons: dict[str, str] = {}
    for table in spec.tables:
        source = used.get(table.id, best)
        reading = scores.reading(source, table.id)
        if reading is None:
            continue
        states[table.id] = reading
        reasons[table.id] = why.get(table.id, "") + _reason(scores, table.id, source, others)
    return Choice(spec, states, reasons)
