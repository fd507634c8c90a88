r"""Cell values: what one table cell's text means, and how to write a value back.

>>> from gxschema import values
>>> values.parse_value("19万", values.Kind.COUNT)
Number(value=190000, tolerance=5000, unit=None)
>>> values.parse_value("—", values.Kind.COUNT) is values.BLANK
True

A cell holds a :class:`Number` (exact, or approximate with the tolerance its written
precision allows) or :data:`BLANK`, which is not 0.  What a cell may hold is decided by
its column's :class:`Kind`.  :func:`looks_like_value` is the one test, used by every
reader, of whether a text is a value rather than a label; :data:`BLANK_MARKS`,
:data:`MONEY_UNITS` and :data:`COUNT_UNITS` are the one list of each.
"""

from __future__ import annotations

from gxschema._values import (
    BLANK,
    BLANK_MARKS,
    COUNT_UNITS,
    MONEY_UNITS,
    PLAIN,
    Blank,
    Kind,
    Number,
    Value,
    ValueStyle,
    looks_like_value,
    parse_value,
    render_value,
)
from gxschema.exceptions import ValueParseError

__all__ = [
    "BLANK",
    "BLANK_MARKS",
    "COUNT_UNITS",
    "MONEY_UNITS",
    "PLAIN",
    "Blank",
    "Kind",
    "Number",
    "Value",
    "ValueParseError",
    "ValueStyle",
    "looks_like_value",
    "parse_value",
    "render_value",
]
