"""Serialization: exact JSON round trips, the generated JSON Schema, long-format rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxschema as gx
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"

values = st.one_of(
    st.just(gx.BLANK),
    st.builds(gx.Number, st.integers(-(10**9), 10**9)),
    st.builds(gx.Number, st.integers(0, 10**9), st.sampled_from([0, 5, 500, 5000])),
    st.builds(
        gx.Number,
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**9),
        st.just(0),
        st.sampled_from(["元", "万元"]),
    ),
)
locations = st.none() | st.builds(
    gx.Location,
    line=st.none() | st.integers(1, 10**6),
    column=st.none() | st.integers(1, 50),
    page=st.none() | st.integers(1, 500),
)
cells = st.builds(gx.Cell, value=values, raw=st.text(), source=locations, inferred=st.booleans())


NATIONAL_2019 = gx.templates.get("national-2019")


def _table_cells(table: gx.spec.TableSpec) -> st.SearchStrategy[dict[str, dict[str, gx.Cell]]]:
    """Any cells of one declared table: declared lines and columns, in any order."""
    return st.dictionaries(
        st.sampled_from([ln.id for ln in table.lines]),
        st.dictionaries(st.sampled_from([c.id for c in table.columns]), cells, max_size=4),
        max_size=4,
    )


@given(
    tables=st.fixed_dictionaries(
        {}, optional={t.id: _table_cells(t) for t in NATIONAL_2019.tables}
    ),
    source=st.none() | st.text(),
)
def test_json_round_trip_is_exact_for_any_cells(
    tables: dict[str, dict[str, dict[str, gx.Cell]]], source: str | None
) -> None:
    """from_json(to_json(r)) == r for any cells: BLANK vs 0, Decimal, tolerance, raw, source."""
    report = gx.Report(template="national-2019", tables=tables, source=source)
    again = gx.from_json(gx.to_json(report))
    assert again == report
    # Equality leaves provenance out; the JSON must carry it all the same.
    assert gx.to_json(again) == gx.to_json(report)
    for (_, _, _, a), (_, _, _, b) in zip(report.cells(), again.cells(), strict=True):
        assert a.source == b.source
    for (_, _, _, a), (_, _, _, b) in zip(report.cells(), again.cells(), strict=True):
        assert type(a.value) is type(b.value)
        if isinstance(a.value, gx.Number):
            assert type(a.value.value) is type(b.value.value)
            assert str(a.value.value) == str(b.value.value)


def test_blank_and_zero_serialize_differently() -> None:
    """BLANK is "value": null; 0 is "value": 0."""
    blank = orjson.loads(gx.to_json(gx.Cell(value=gx.BLANK, raw="")))
    zero = orjson.loads(gx.to_json(gx.Cell(value=gx.Number(0), raw="0")))
    assert blank["value"] is None
    assert zero["value"] == 0


def test_decimal_serializes_as_exact_string() -> None:
    """A Decimal keeps its digits as a string."""
    cell = gx.Cell(value=gx.Number(Decimal("9742000.00"), unit="元"), raw="974.20万元")
    data = orjson.loads(gx.to_json(cell))
    assert data["value"] == "9742000.00"
    assert data["unit"] == "元"


@pytest.mark.parametrize(
    "template_id", ["national-2019", "national-2021", "hubei-2019", "hybrid-2021"]
)
def test_schema_lists_every_declared_cell(template_id: str) -> None:
    """The JSON Schema is generated from the spec: every table, line and column is in it."""
    spec = gx.templates.get(template_id)
    schema = gx.json_schema(spec)
    jsonschema.Draft202012Validator.check_schema(schema)
    tables = schema["properties"]["tables"]["properties"]
    assert set(tables) == {t.id for t in spec.tables}
    for table in spec.tables:
        lines = tables[table.id]["properties"]
        assert list(lines) == [ln.id for ln in table.lines]
        for ln in table.lines:
            assert lines[ln.id]["title"] == ln.label
            assert list(lines[ln.id]["properties"]) == [c.id for c in table.columns]


def test_report_json_validates_against_its_schema() -> None:
    """The example's JSON is valid under its template's schema; a corrupted one is not."""
    report = gx.read(EXAMPLE)
    schema = gx.json_schema(gx.templates.get(report.template))
    data = orjson.loads(gx.to_json(report))
    jsonschema.validate(data, schema)
    data["tables"]["s3"]["new"]["natural_person"]["value"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data["tables"]["s3"]["new"]["natural_person"]["value"] = 2
    data["tables"]["s3"]["no_such_line"] = {}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_long_rows_give_one_row_per_cell_with_labels() -> None:
    """long_rows yields every cell once, with the spec's labels and the cell's raw text."""
    report = gx.read(EXAMPLE)
    rows = list(gx.long_rows(report))
    assert len(rows) == len(list(report.cells()))
    row = next(
        r for r in rows if (r.table, r.line_id, r.column_id) == ("s3", "r3_7", "natural_person")
    )
    s3 = gx.templates.get(report.template).table("s3")
    assert (row.line_label, row.column_label, row.value, row.raw) == (
        s3.line("r3_7").label,
        s3.column("natural_person").label,
        1,
        "\xa01",
    )
    assert row.source.startswith("line ")


def test_converter_factory_gives_independent_converters() -> None:
    """make_converter() returns a new converter each time; configure_converter reuses one."""
    a, b = gx.make_converter(), gx.make_converter()
    assert a is not b
    report = gx.read(EXAMPLE)
    assert a.structure(a.unstructure(report), gx.Report) == report
    import cattrs

    c = gx.configure_converter(cattrs.Converter())
    assert c.structure(c.unstructure(report), gx.Report) == report


# -- strict reading ---------------------------------------------------------------------


def _example_json() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(gx.to_json(gx.read(EXAMPLE)))
    return data


def _from(data: dict[str, Any]) -> gx.Report:
    return gx.from_json(orjson.dumps(data))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["tables"].__setitem__("s9", {}), "tables.s9"),
        (lambda d: d["tables"]["s3"].__setitem__("r9", {}), "tables.s3.r9"),
        (
            lambda d: d["tables"]["s3"]["new"].__setitem__("nobody", {"value": 1, "raw": "1"}),
            "tables.s3.new.nobody",
        ),
        (
            lambda d: d["tables"]["s3"]["new"]["natural_person"].__setitem__("value", "two"),
            "tables.s3.new.natural_person",
        ),
        (
            lambda d: d["tables"]["s3"]["new"]["natural_person"].__setitem__("colour", 1),
            "tables.s3.new.natural_person",
        ),
        (lambda d: d["tables"]["s3"].__setitem__("new", [1, 2]), "tables.s3.new"),
        (lambda d: d["tables"].__setitem__("s3", None), "tables.s3"),
        (lambda d: d.__setitem__("colour", "red"), "colour"),
        (lambda d: d.__setitem__("template", "no-such-template"), "template"),
    ],
)
def test_from_json_refuses_what_the_template_does_not_declare(change: Any, path: str) -> None:
    """Undeclared tables, lines, columns and malformed cells are a ParseError naming the path."""
    data = _example_json()
    change(data)
    with pytest.raises(gx.ParseError) as info:
        _from(data)
    assert f"{path}:" in str(info.value)
    assert not isinstance(info.value.__cause__, Exception)


def test_from_json_of_malformed_json_is_a_parse_error() -> None:
    """Orjson's own error does not leak: malformed JSON is a ParseError with where."""
    with pytest.raises(gx.ParseError, match="not JSON") as info:
        gx.from_json('{"template": "national-2019", "tables": {')
    assert info.value.location is not None
    with pytest.raises(gx.ParseError, match="a report is a JSON object"):
        gx.from_json("[1, 2]")


def test_from_json_takes_an_unregistered_template() -> None:
    """A report of a template nobody registered reads back with template=."""
    report = gx.read(EXAMPLE)
    text = gx.to_json(report).replace(report.template, "unregistered-2020")
    with pytest.raises(gx.ParseError, match="template"):
        gx.from_json(text)
    again = gx.from_json(text, template=gx.templates.get(report.template))
    assert again.tables == report.tables


def test_typed_view_gives_instances_of_the_declared_classes() -> None:
    """Tables are instances of their table classes, lines of the columns class, cells Cells."""
    report = gx.read(EXAMPLE)
    view = gx.typed_view(report)
    s3 = view["s3"]
    assert isinstance(s3, gx.templates.Applications2019)
    assert isinstance(s3.new, gx.templates.Applicants)
    assert s3.new.natural_person == report.cell("s3", "new", "natural_person")
    assert list(view) == list(report.tables)
    bad = gx.Report(template=report.template, tables={"s3": {"r9": {}}})
    with pytest.raises(gx.ParseError, match=r"tables\.s3\.r9"):
        gx.typed_view(bad)


@pytest.mark.parametrize(
    "cell",
    [
        {"value": True, "raw": "1", "source": {"line": 1, "column": 2}},
        {"value": 1, "raw": 1, "source": {"line": 1, "column": 2}},
        {"value": 1, "raw": "1", "source": {"line": "1", "column": 2}},
        {"value": 1, "raw": "1", "source": {"line": 1, "colour": 2}},
        {"value": 1.5, "raw": "1.5"},
        {"value": "x", "raw": "x", "unit": "元"},
        {"raw": "1", "source": {"line": 1, "column": 2}, "unit": "元"},
        {"value": 1, "raw": "1", "inferred": "yes"},
    ],
)
def test_malformed_cells_are_refused_on_every_path(cell: dict[str, Any]) -> None:
    """The straight path for common cells lets nothing through that the full checks refuse."""
    data = _example_json()
    data["tables"]["s3"]["new"]["natural_person"] = cell
    with pytest.raises(gx.ParseError, match=r"tables\.s3\.new\.natural_person"):
        _from(data)


def test_large_and_located_cells_round_trip() -> None:
    """Integers beyond the shared ones and table-form locations come back exact."""
    cells = {
        "natural_person": gx.Cell(
            gx.Number(10**12), "1000000000000", gx.Location(line=3, column=2)
        ),
        "commercial": gx.Cell(gx.Number(-7), "-7", gx.Location(table=0, row=4, cell=2)),
        "total": gx.Cell(gx.BLANK, "", gx.Location(line=3, column=8), inferred=True),
    }
    report = gx.Report(template="national-2019", tables={"s3": {"new": cells}})
    again = gx.from_json(gx.to_json(report))
    assert again == report
    assert [c.source for c in again.tables["s3"]["new"].values()] == [
        c.source for c in cells.values()
    ]


def test_fast_cell_and_location_constructors_build_what_attrs_builds() -> None:
    from gxschema._cell import read_cell, text_location

    place = text_location(12, 3)
    assert place == gx.Location(12, 3)
    assert repr(place) == repr(gx.Location(12, 3))
    assert hash(place) == hash(gx.Location(12, 3))
    for value in (gx.BLANK, gx.Number(7)):
        fast = read_cell(value, "7", place, "cell")
        slow = gx.Cell(value, "7", gx.Location(12, 3), False, "cell")
        assert fast == slow
        assert repr(fast) == repr(slow)
        assert hash(fast) == hash(slow)
        assert (fast.inferred, fast.how, fast.asides) == (False, "cell", ())
