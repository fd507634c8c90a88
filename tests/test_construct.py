"""The quick constructors build exactly what the classes' own ``__init__`` builds."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import attrs
import pytest

import gxschema as gx
from gxschema._cell import Cell, make_cell
from gxschema._construct import constructor
from gxschema._grid import GridCell, GridRow
from gxschema._validate import CellRef
from gxschema._values import BLANK, Number

WHERE = gx.Location(table=1, row=2, cell=3)
SAMPLES: list[tuple[type, tuple[object, ...]]] = [
    (GridCell, ("12", WHERE, 2, 3, False, ("1",))),
    (GridRow, ((GridCell("7", WHERE),), WHERE, True)),
    (gx.Location, (4, 5, None, None, None, None)),
    (Cell, (BLANK, "", WHERE, False, "cell", ())),
    (Cell, (Number(Decimal("1.5"), 0, "万元"), "1.5", None, True, "split", ("注",))),
    (CellRef, ("1", "（一）", "total", "总计", Decimal("2"), "2")),
]


@pytest.mark.parametrize(("cls", "fields"), SAMPLES)
def test_a_quick_instance_is_the_constructed_one(cls: type, fields: tuple[object, ...]) -> None:
    """Same class, same fields, equal, same hash, frozen, and it pickles and copies."""
    quick = constructor(cls)(*fields)
    made = cls(*fields)
    assert type(quick) is cls
    assert attrs.astuple(quick, recurse=False) == attrs.astuple(made, recurse=False) == fields
    assert quick == made
    assert hash(quick) == hash(made)
    assert repr(quick) == repr(made)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        quick.__setattr__(attrs.fields(cls)[0].name, None)
    assert pickle.loads(pickle.dumps(quick)) == made
    assert copy.deepcopy(quick) == made


def test_every_field_must_be_given() -> None:
    """A constructor takes every field: a field added to a class cannot be left unset."""
    with pytest.raises(TypeError):
        make_cell(BLANK, "", None, False, "cell")


def test_a_class_whose_init_does_more_is_refused() -> None:
    """Validators, converters and post-init hooks would be skipped: no constructor."""

    @attrs.frozen
    class Checked:
        n: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Converted:
        n: int = attrs.field(converter=int)

    @attrs.frozen
    class Posted:
        n: int

        def __attrs_post_init__(self) -> None:
            pass

    for cls in (Checked, Converted, Posted):
        with pytest.raises(TypeError, match=cls.__name__):
            constructor(cls)
