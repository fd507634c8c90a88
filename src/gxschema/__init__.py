"""gxschema: China's government information disclosure annual reports as checked data.

Templates are declared once (:mod:`gxschema.templates`); reading, validation,
serialization and the command line are derived from the declarations.

>>> import gxschema as gx
>>> sorted(gx.templates.available())[:2]
['hubei-2019', 'hybrid-2021']
"""

from gxschema import dsl, templates
from gxschema._diagnose import CellChange, Explanation, diagnose
from gxschema._forms import Form, register_form
from gxschema._read import FORMS, detect_form, read
from gxschema._report import Cell, Detection, Extra, Location, Report
from gxschema._serialize import (
    configure_converter,
    from_json,
    json_schema,
    long_rows,
    make_converter,
    to_json,
    typed_view,
)
from gxschema._spec import (
    ColumnSpec,
    Constraint,
    LineSpec,
    RuleSpec,
    TableSpec,
    TemplateSpec,
)
from gxschema._template import compile
from gxschema._validate import CellRef, Violation, check, validate
from gxschema._values import (
    BLANK,
    Blank,
    Kind,
    Number,
    Value,
    ValueStyle,
    parse_value,
    render_value,
)
from gxschema._writers import render
from gxschema.exceptions import DeclarationError, GxSchemaError, ParseError, ValidationError

__version__ = "0.1.0.dev0"

__all__ = [
    "BLANK",
    "FORMS",
    "Blank",
    "Cell",
    "CellChange",
    "CellRef",
    "ColumnSpec",
    "Constraint",
    "DeclarationError",
    "Detection",
    "Explanation",
    "Extra",
    "Form",
    "GxSchemaError",
    "Kind",
    "LineSpec",
    "Location",
    "Number",
    "ParseError",
    "Report",
    "RuleSpec",
    "TableSpec",
    "TemplateSpec",
    "ValidationError",
    "Value",
    "ValueStyle",
    "Violation",
    "check",
    "compile",
    "configure_converter",
    "detect_form",
    "diagnose",
    "dsl",
    "from_json",
    "json_schema",
    "long_rows",
    "make_converter",
    "parse_value",
    "read",
    "register_form",
    "render",
    "render_value",
    "templates",
    "to_json",
    "typed_view",
    "validate",
]
