"""Declaring templates: everything a template author needs, and nothing else.

>>> from gxschema import dsl
>>> from gxschema.dsl import this
>>> @dsl.columns
... class Pair:
...     a: dsl.Count = dsl.column("甲")
...     b: dsl.Count = dsl.column("乙")
...     a_le_b = dsl.rule("P.a_le_b", this.a <= this.b, severity="warning")
>>> @dsl.table("t", label="示例")
... class Example:
...     first: Pair = dsl.line("第一行")
...     second: Pair = dsl.line("第二行")
>>> [t.id for t in dsl.template("example", tables=[Example]).spec.tables]
['t']

A :func:`columns` class declares the columns of a table's lines (one :func:`column`
each, annotated :data:`Count`, :data:`Delta` or :data:`Money`) and the rules within a
line; a :func:`table` class declares the lines (one :func:`line` each, annotated with
a columns class) and the rules between lines; :func:`template` groups tables.  A
variant subclasses a declared class, decorates it again, and says what differs with
:func:`drop`, :func:`amend` and ``after=``/``before=``.  Rules are comparisons built
from :data:`this`, :func:`sum_of` and :func:`lines`.

The built-in templates (:mod:`gxschema.templates`) are declared with this module
exactly as yours are.  Declared classes are also the typed view of a report (see
:func:`gxschema.typed_view`).
"""

from __future__ import annotations

from gxschema._declare import columns, table
from gxschema._dsl import Count, Delta, Money, amend, claim, column, drop, line, rule
from gxschema._expr import lines, sum_of, this
from gxschema._seriesmap import CrossRule, SeriesLink, SeriesMap, own, register_series, same, summed
from gxschema._spec import SectionSpec as Section
from gxschema._template import Template, template

__all__ = [
    "Count",
    "CrossRule",
    "Delta",
    "Money",
    "Section",
    "SeriesLink",
    "SeriesMap",
    "Template",
    "amend",
    "claim",
    "column",
    "columns",
    "drop",
    "line",
    "lines",
    "own",
    "register_series",
    "rule",
    "same",
    "sum_of",
    "summed",
    "table",
    "template",
    "this",
]
