"""The compiled spec and its constraint model: what every engine reads.

>>> from gxschema import spec, templates
>>> s3 = templates.get("national-2019").table("s3")
>>> [c.rule.id for c in s3.constraints][:2]
['C3.row_total', 'C3.row_total']
>>> spec.model(templates.get("national-2019")).errors[0].constraint.rule.id
'C3.row_total'

A :class:`TemplateSpec` is compiled once from a declaration (:mod:`gxschema.dsl`):
tables with their lines and columns (ids, labels, aliases, headings, kinds, units) and
every rule instantiated cell by cell as a :class:`Constraint`.  :func:`model` gives the
one constraint model of a spec (cell index, bounds, every rule as a linear row,
components), and :func:`status` decides a rule on the intervals of a report's cells:
validation, diagnosis, the strategies and the reader all use these two and nothing
else.  :class:`RuleKind` (in :data:`KINDS`) says, once per comparison, what holding
means.
"""

from __future__ import annotations

from gxschema._model import Intervals, Model, Row, RowStatus, TableModel, model, status, table_model
from gxschema._rules import KINDS, RuleKind, Severity
from gxschema._spec import (
    NONNEGATIVE,
    ClaimSpec,
    ColumnSpec,
    Constraint,
    LineSpec,
    RuleSpec,
    SectionSpec,
    Side,
    TableSpec,
    TemplateSpec,
    Term,
)
from gxschema._template import compile_template

__all__ = [
    "KINDS",
    "NONNEGATIVE",
    "ClaimSpec",
    "ColumnSpec",
    "Constraint",
    "Intervals",
    "LineSpec",
    "Model",
    "Row",
    "RowStatus",
    "RuleKind",
    "RuleSpec",
    "SectionSpec",
    "Severity",
    "Side",
    "TableModel",
    "TableSpec",
    "TemplateSpec",
    "Term",
    "compile_template",
    "model",
    "status",
    "table_model",
]
