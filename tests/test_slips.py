"""The slip registry: each slip made by apply is recognised by recognise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema._slips import DIGIT_SLIPS, SLIPS
from gxschema.strategies import PERTURBATIONS, Broken, broken_reports
from tests.conftest import examples
from tests.oracles import determined, single_cell_repairs, two_cell_repairs

ONE = [s for s in SLIPS.values() if s.cells == "one"]


def test_every_slip_is_complete_and_broken_reports_speaks_the_registry() -> None:
    """Each slip has a name, both texts and both functions; perturbations are slip names."""
    for name, slip in SLIPS.items():
        assert slip.name == name
        assert "{" in slip.zh
        assert "{" in slip.en
        assert callable(slip.apply)
        assert callable(slip.recognise)
    assert tuple(SLIPS) == PERTURBATIONS


@pytest.mark.parametrize("name", [s.name for s in ONE])
@given(value=st.integers(-99_999, 99_999), where=st.integers(-20, 20))
def test_a_slip_of_one_value_is_recognised(name: str, value: int, where: int) -> None:
    """recognise(apply(v), v) whenever the slip applies; a value is never its own slip."""
    slip = SLIPS[name]
    made = slip.apply((value,), where)
    if made is not None:
        assert made != (value,)
        assert slip.recognise(made, (value,))
    assert not slip.recognise((value,), (value,))


@given(a=st.integers(0, 999), b=st.integers(0, 999))
def test_swaps_copies_and_zeroed_lines_are_recognised(a: int, b: int) -> None:
    """The slips of several cells, likewise."""
    for name in ("neighbour_swap", "copied_from_row"):
        made = SLIPS[name].apply((a, b), 0)
        assert (made is None) == (a == b)
        if made is not None:
            assert SLIPS[name].recognise(made, (a, b))
    zero = SLIPS["total_left_zero"]
    made = zero.apply((a, b, None), 0)
    assert (made is None) == (a == b == 0)
    if made is not None:
        assert made == (0, 0, None)
        assert zero.recognise(made, (a, b, None))


@pytest.mark.parametrize(
    ("observed", "proposed", "name"),
    [
        (2134, 1234, "transposition"),
        (12234, 1234, "doubled_digit"),
        (134, 1234, "dropped_digit"),
        (0, 10, "dropped_digit"),
        (-21, -12, "transposition"),
    ],
)
def test_digit_slips_tell_each_other_apart(observed: int, proposed: int, name: str) -> None:
    """Exactly one digit slip recognises a digit slip; none a different sign."""
    assert [s.name for s in DIGIT_SLIPS if s.recognise((observed,), (proposed,))] == [name]
    assert not any(s.recognise((observed,), (-proposed,)) for s in DIGIT_SLIPS if proposed)


# -- the round trip: broken_reports makes a slip, diagnose names it ------------------------

TEMPLATES = gx.templates.available()
_TRIES = 8


def _number(value: gx.Value) -> int | Decimal | None:
    return value.value if isinstance(value, gx.Number) else None


def _unique(broken: Broken, spec: gx.TemplateSpec) -> bool:
    """Whether the independent oracle says the damaged cells' repair is unique.

    One cell: it is the only cell whose change alone repairs the report, and the rules
    give it its old value.  Two cells: no single cell repairs the report, no other pair
    may, and the equalities, every other cell as printed, force both to their old
    values.  (Past two cells the oracle cannot tell a repair is least, so it says
    nothing.)
    """
    report, _, damage = broken
    keys = [(c.table, c.line_id, c.column_id) for c in damage.cells]
    old = {k: _number(c.old) for k, c in zip(keys, damage.cells, strict=True)}
    repairs = single_cell_repairs(report, spec)
    if len(keys) == 1:
        [key] = keys
        blank = _number(damage.cells[0].new) is None
        return repairs == old or (blank and repairs.get(key) == old[key])
    if len(keys) != 2 or repairs:
        return False
    return (
        two_cell_repairs(report, spec) == [tuple(sorted(keys))]
        and determined(report, spec, keys) == old
    )


def _repeats_a_line(report: gx.Report, damage: object) -> bool:
    """Whether every damaged cell now holds what another line holds in its column.

    Then the damage equally is a copy from that line (a miscount of 0 to 1 where
    another line of the column says 1), whatever slip was made.
    """
    for c in damage.cells:  # type: ignore[attr-defined]
        others = [
            cells.get(c.column_id)
            for line, cells in report.tables[c.table].items()
            if line != c.line_id
        ]
        if not any(o is not None and o.value == c.new for o in others):
            return False
    return True


@pytest.mark.parametrize("name", PERTURBATIONS)
@settings(deadline=None, max_examples=examples(3), database=None)
@given(data=st.data())
def test_each_slip_made_is_the_slip_diagnosed(name: str, data: st.DataObject) -> None:
    """A slip broken_reports makes is the best explanation, restoring the old values.

    Whenever the oracle says the repair is unique: the best explanation proposes each
    damaged cell's old value and names the slip made, or one that the damage equally
    is (a miscount by 9 may be a transposition, a line copied from a line of zeros is
    a line left 0).  A slip whose cells no rule ties together (two cells swapped
    across independent lines) is explained part by part, and only the values are
    checked.
    """
    template = data.draw(st.sampled_from(TEMPLATES))
    spec = gx.templates.get(template)
    # Most slips of whole lines have no repair the oracle can vouch for: draw a few.
    for _ in range(_TRIES):
        broken = data.draw(broken_reports(spec, perturbations=[name]))
        if _unique(broken, spec):
            break
    else:
        reject()  # no draw the oracle can vouch for: Unsatisfiable if it never can
    damage = broken.damage
    [best, *_] = gx.diagnose(broken.report, template=spec)
    old = tuple(_number(c.old) for c in damage.cells)
    new = tuple(_number(c.new) for c in damage.cells)
    if "+" not in best.kind:  # a slip across independent parts is explained part by part
        assert (
            best.kind == damage.slip
            or SLIPS[best.kind].recognise(new, old)
            or (best.kind == "copied_from_row" and _repeats_a_line(broken.report, damage))
        ), best.kind
    proposed = {(c.table, c.line_id, c.column_id): c.proposed for c in best.changes}
    for c, value in zip(damage.cells, old, strict=True):
        assert proposed[(c.table, c.line_id, c.column_id)] == value
