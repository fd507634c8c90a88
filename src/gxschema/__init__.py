"""gxschema: China's government information disclosure annual reports as checked data.

>>> import gxschema as gx
>>> sorted(gx.templates.available())[:2]
['hubei-2019', 'hybrid-2021']

This namespace is for using reports: reading (:func:`read`), checking
(:func:`check` for the verdict and every finding, :func:`validate` for the rules,
:func:`diagnose`, and :func:`check_claims` for the numbers the text states), writing
(:func:`render`, JSON, long rows), the records they return, and the errors.  The other
audiences have their
own namespaces:

* :mod:`gxschema.dsl` — declaring templates (the built-in ones use it as you do);
* :mod:`gxschema.templates` — the registry: the national templates, variants, yours,
  and those installed packages offer through the ``gxschema.templates`` entry points;
* :mod:`gxschema.spec` — the compiled spec and its constraint model, for engines;
* :mod:`gxschema.values` — cell values: parsing and writing ``19万``, BLANK, kinds;
* :mod:`gxschema.strategies` — Hypothesis strategies (extra ``strategies``).
"""

from gxschema import dsl, spec, templates, values
from gxschema._check import CheckResult, Finding, check
from gxschema._claims import ClaimCheck, check_claims
from gxschema._diagnose import CellChange, Explanation, diagnose
from gxschema._forms import Form, register_form
from gxschema._page import index_page, page
from gxschema._read import detect_form, read
from gxschema._report import Cell, Detection, Extra, Location, Metadata, Paragraph, Report
from gxschema._resolve import UnknownTemplateError
from gxschema._serialize import (
    LongRow,
    configure_converter,
    from_json,
    json_schema,
    long_rows,
    make_converter,
    to_json,
    typed_view,
)
from gxschema._validate import CellRef, Violation, validate
from gxschema._values import BLANK, Number
from gxschema._writers import render
from gxschema.exceptions import (
    CellErrors,
    DeclarationError,
    GxSchemaError,
    ParseError,
    ValidationError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "BLANK",
    "Cell",
    "CellChange",
    "CellErrors",
    "CellRef",
    "CheckResult",
    "ClaimCheck",
    "DeclarationError",
    "Detection",
    "Explanation",
    "Extra",
    "Finding",
    "Form",
    "GxSchemaError",
    "Location",
    "LongRow",
    "Metadata",
    "Number",
    "Paragraph",
    "ParseError",
    "Report",
    "UnknownTemplateError",
    "ValidationError",
    "Violation",
    "check",
    "check_claims",
    "configure_converter",
    "detect_form",
    "diagnose",
    "dsl",
    "from_json",
    "index_page",
    "json_schema",
    "long_rows",
    "make_converter",
    "page",
    "read",
    "register_form",
    "render",
    "spec",
    "templates",
    "to_json",
    "typed_view",
    "validate",
    "values",
]
