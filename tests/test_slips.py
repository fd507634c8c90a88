"""The slip registry: each slip made by apply is recognised by recognise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gxschema._slips import DIGIT_SLIPS, SLIPS
from gxschema.strategies import PERTURBATIONS

ONE = [s for s in SLIPS.values() if s.cells == "one"]


def test_every_slip_is_complete_and_broken_reports_speaks_the_registry() -> None:
    """Each slip has a name, both texts and both functions; perturbations are slip names."""
    for name, slip in SLIPS.items():
        assert slip.name == name
        assert "{" in slip.zh
        assert "{" in slip.en
        assert callable(slip.apply)
        assert callable(slip.recognise)
    assert set(PERTURBATIONS) <= set(SLIPS)


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
