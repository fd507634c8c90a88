"""Serialization: a cattrs converter factory, JSON, JSON Schema and long-format rows.

The JSON of a report is exact: raw text, BLANK (``"value": null``) apart from 0, Decimal
amounts as strings (``"9742000.00"``), tolerances, units and where each cell came from
all come back unchanged, so ``from_json(to_json(r)) == r``.  The JSON Schema of a
template is generated from its spec, line by line and column by column.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, get_args

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import make_converter as _orjson_converter

from gxschema._dsl import TableDecl, table_decl
from gxschema._json import (
    decode_report,
    encode_report,
    json_safe,
    structure_cell,
    unstructure_cell,
)
from gxschema._json import typed_view as _typed_view
from gxschema._metadata import MetaSource
from gxschema._report import Cell, Location, Report
from gxschema._resolve import TemplateLike, resolve_template, spec_of
from gxschema._spec import TableSpec, TemplateSpec
from gxschema._values import Kind, Number
from gxschema.exceptions import DeclarationError

__all__ = [
    "LongRow",
    "configure_converter",
    "from_json",
    "json_schema",
    "long_rows",
    "make_converter",
    "to_json",
    "typed_view",
]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def configure_converter(converter: cattrs.Converter) -> cattrs.Converter:
    """Teach a cattrs converter gxschema's types (cells, values, locations, reports).

    The converter structures a report without checking it against its template; use
    :func:`from_json` for that.

    Args:
        converter: any cattrs converter; it is changed in place.

    Returns:
        The same converter.
    """
    converter.register_unstructure_hook(Cell, unstructure_cell)
    converter.register_structure_hook(Cell, structure_cell)
    converter.register_unstructure_hook(
        Location, lambda loc: {k: v for k, v in attrs.asdict(loc).items() if v is not None}
    )
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda d, _: Decimal(str(d)))
    # The spec a report carries is provenance of this process, not data: never written,
    # and a report read back from JSON finds its template by id.
    converter.register_unstructure_hook(
        Report, make_dict_unstructure_fn(Report, converter, spec=override(omit=True))
    )
    converter.register_structure_hook(
        Report, make_dict_structure_fn(Report, converter, spec=override(omit=True))
    )
    return converter


def make_converter() -> cattrs.Converter:
    """Return a new converter (orjson-flavoured) configured for gxschema's types.

    Returns:
        A converter; use ``.unstructure(report)`` and ``.structure(data, Report)``.
    """
    return configure_converter(_orjson_converter())


_CONVERTER = make_converter()


def to_json(obj: object, *, indent: bool = False) -> str:
    """Serialize a report (or a list of violations, or any gxschema record) to JSON.

    Args:
        obj: the object.
        indent: indent by two spaces.

    Returns:
        The JSON text (UTF-8; Chinese is written as is).
    """
    option = orjson.OPT_INDENT_2 if indent else 0
    if obj.__class__ is Report:
        return encode_report(obj, _CONVERTER, option).decode("utf-8")
    return orjson.dumps(json_safe(_CONVERTER.unstructure(obj)), option=option).decode("utf-8")


def from_json(data: str | bytes, *, template: TemplateLike | None = None) -> Report:
    """Read a report back from :func:`to_json`'s output, checked against its template.

    Every table, line and column must be one the template declares, and every cell
    well-formed; ``from_json(to_json(r)) == r`` for every report ``r`` of a template.

    Args:
        data: the JSON text.
        template: the template to check against: an id, a declaration or a spec
            (default: the registered template the JSON names).

    Returns:
        The report, equal to the one serialized.

    Raises:
        ParseError: the text is not JSON, names no known template, or holds what the
            template does not declare; the message names the path of each problem
            (``tables.s3.r9.natural_person``).
    """
    chosen = resolve_template(template) if template is not None else None
    spec_for = resolve_template if chosen is None else (lambda _: chosen)
    return decode_report(data, spec_for, _CONVERTER)


def typed_view(report: Report, *, template: TemplateLike | None = None) -> dict[str, Any]:
    """Return a report's tables as instances of the template's declared classes.

    The typed view: each value is an instance of the table's :func:`gxschema.dsl.table`
    class, whose fields are instances of its :func:`gxschema.dsl.columns` class (None
    for a line the report lacks), whose fields are :class:`Cell` (None for a cell the
    input did not contain)::

        s3 = gx.typed_view(report)["s3"]
        s3.new.natural_person.value  # Number(1)

    Args:
        report: the report.
        template: its template: an id, a declaration or a spec (default: the one the
            report was read with).

    Returns:
        Table id → typed table, for each table the report contains, in its order.

    Raises:
        ParseError: the report holds a table, line or column its template does not
            declare; the message names each path (``tables.s3.r9``).
    """
    return _typed_view(report, spec_of(report, template))


# -- JSON Schema ----------------------------------------------------------------------

_NUMBER_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"


def _cell_schema(kind: Kind) -> dict[str, Any]:
    if kind is Kind.MONEY:
        number: dict[str, Any] = {"type": "string", "pattern": _NUMBER_TEXT}
        doc = "An amount of money as a decimal string, in the column's unit; null when blank."
    else:
        number = {
            "anyOf": [
                {"type": "integer"},
                {
                    "type": "string",
                    "pattern": r"^-?[0-9]{16,}$",
                    "description": "A whole number beyond ±(2**53-1), as its digits.",
                },
            ]
        }
        doc = (
            "A whole number (counts are never negative in a correct report); "
            "null when the cell is blank, which is not 0.  Integers beyond "
            "±(2**53-1), which not every JSON reader holds exactly, are written as "
            "strings of digits."
        )
    return {
        "type": "object",
        "description": doc,
        "properties": {
            "value": {"anyOf": [number, {"type": "null"}]},
            "tolerance": {
                "description": "Half-width of the interval an approximate value (19万) allows.",
                **(
                    {"type": "string", "pattern": _NUMBER_TEXT}
                    if kind is Kind.MONEY
                    else {
                        "anyOf": [
                            {"type": "integer", "minimum": 0},
                            {"type": "string", "pattern": r"^[0-9]{16,}$"},
                        ]
                    }
                ),
            },
            "unit": {"type": "string"},
            "raw": {"type": "string", "description": "The cell's text as printed."},
            "source": {"$ref": "#/$defs/location"},
            "inferred": {"type": "boolean"},
            "asides": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Footnote marks, struck-out and hidden text printed in "
                "the cell, kept apart from its value.",
            },
        },
        "required": ["value", "raw"],
        "additionalProperties": False,
    }


def _table_decl(table: TableSpec) -> TableDecl:
    if table.declaration is None:
        raise DeclarationError(f"table {table.id!r} was not compiled from a declared class")
    return table_decl(table.declaration)


def json_schema(spec: TemplateSpec) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a template's report JSON.

    Args:
        spec: the template (``gxschema.templates.get(...)``).

    Returns:
        The schema as a dict, generated from the template's declared classes: each
        table class's lines, each line an object of its columns class's cells.
    """
    defs: dict[str, Any] = {
        "location": {
            "type": "object",
            "properties": {
                name: {"type": "integer"} for name in (a.name for a in attrs.fields(Location))
            },
            "additionalProperties": False,
        },
    }
    for kind in Kind:
        defs[f"{kind.value}_cell"] = _cell_schema(kind)
    tables: dict[str, Any] = {}
    for table in spec.tables:
        # Generated from the declared classes: the table class's lines, each an object
        # of its columns class's columns, nothing else allowed.
        decl = _table_decl(table)
        columns = {
            col.name: {
                "$ref": f"#/$defs/{col.kind.value}_cell",
                "title": col.label,
                **({"description": f"in {col.unit}"} if col.unit else {}),
            }
            for col in decl.row.fields
            if col.kind is not None
        }
        lines = {
            ln.name: {
                "type": "object",
                "title": ln.label,
                "properties": columns,
                "additionalProperties": False,
            }
            for ln in decl.fields
        }
        tables[table.id] = {
            "type": "object",
            "title": table.label,
            "properties": lines,
            "additionalProperties": False,
        }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:gxschema:template:{spec.id}",
        "title": spec.title,
        "description": spec.description,
        "type": "object",
        "properties": {
            "template": {"const": spec.id},
            "source": {"type": ["string", "null"]},
            "tables": {"type": "object", "properties": tables, "additionalProperties": False},
            "detection": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "table": {"type": "string"},
                        "template": {"type": "string"},
                        "reason": {"type": "string"},
                        "by_position": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["table", "template", "reason"],
                },
            },
            "metadata": {
                "type": "object",
                "properties": {
                    "agency": {"type": ["string", "null"]},
                    "year": {"type": ["integer", "null"]},
                    "title": {"type": ["string", "null"]},
                    **{
                        f"{name}_from": {"enum": [*get_args(MetaSource), None]}
                        for name in ("agency", "year", "title")
                    },
                    "title_source": {"anyOf": [{"$ref": "#/$defs/location"}, {"type": "null"}]},
                },
                "additionalProperties": False,
            },
            "extras": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "table": {"type": "string"},
                        "axis": {"enum": ["row", "column"]},
                        "label": {"type": "string"},
                        "cells": {"type": "array", "items": {"type": "string"}},
                        "source": {"anyOf": [{"$ref": "#/$defs/location"}, {"type": "null"}]},
                    },
                    "required": ["table", "axis", "label"],
                },
            },
        },
        "required": ["template", "tables"],
        "$defs": defs,
    }


# -- long format ----------------------------------------------------------------------


@attrs.frozen
class LongRow:
    """One cell of one report, in long format (one row per cell).

    The fields are the CSV columns of ``gxschema extract --format csv``.
    """

    file: str
    template: str
    table: str
    line_id: str
    line_label: str
    column_id: str
    column_label: str
    value: int | Decimal | None
    raw: str
    source: str


LONG_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(LongRow))


def long_rows(report: Report, *, template: TemplateLike | None = None) -> Iterator[LongRow]:
    """Yield every cell of a report as a :class:`LongRow`, in document order.

    Args:
        report: the report.
        template: its template: an id, a declaration or a spec (default: the one the
            report was read with).

    Yields:
        One row per cell present in the report.
    """
    spec = spec_of(report, template)
    for table in spec.tables:
        rows = report.tables.get(table.id, {})
        for ln in table.lines:
            for col in table.columns:
                cell = rows.get(ln.id, {}).get(col.id)
                if cell is None:
                    continue
                value = cell.value.value if isinstance(cell.value, Number) else None
                yield LongRow(
                    file=report.source or "",
                    template=report.template,
                    table=table.id,
                    line_id=ln.id,
                    line_label=ln.label,
                    column_id=col.id,
                    column_label=col.label,
                    value=value,
                    raw=cell.raw,
                    source=str(cell.source) if cell.source is not None else "",
                )
