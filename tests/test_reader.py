"""The tab-layout reader and the label mapper: labels, not positions; nothing dropped."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import gxschema as gx
from tests.layout import tab_text

TEMPLATES = ["national-2019", "national-2021", "hubei-2019", "hybrid-2021"]


def numbered(spec: gx.spec.TemplateSpec) -> dict[tuple[str, str, str], str]:
    """Distinct values for every cell, so a cell read from the wrong place shows."""
    out = {}
    n = 0
    for table in spec.tables:
        for line, column in table.cells():
            n += 1
            out[(table.id, line.id, column.id)] = str(n)
    return out


def cell_values(report: gx.Report) -> dict[tuple[str, str, str], str]:
    """The report's values as text, keyed like `numbered`."""
    out = {}
    for table, line, column, cell in report.cells():
        assert isinstance(cell.value, gx.Number)
        out[(table, line, column)] = str(cell.value.value)
    return out


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_each_template_is_detected_and_read_exactly(template_id: str) -> None:
    """A report in each template's labels is read with that template, every cell in place."""
    spec = gx.templates.get(template_id)
    values = numbered(spec)
    year = 2020 if spec.last_year == 2020 else 2023
    report = gx.read(tab_text(spec, values, year=year))
    assert report.template == template_id
    assert cell_values(report) == values
    assert report.extras == ()
    assert all(d.template == template_id for d in report.detection)


def _variant_labels(text: str) -> str:
    """Print a label the ways crawled copies do: half-width brackets, 1、, quotes, spaces."""
    text = text.replace("（", "(").replace("）", ")").replace("“", '"').replace("”", '"')
    text = re.sub(r"^(\d)\.", r"\1、", text)
    if len(text) > 4:
        text = text[:3] + " " + text[3:]
    return text


@pytest.mark.parametrize("template_id", ["national-2019", "national-2021"])
def test_label_variants_still_match(template_id: str) -> None:
    """Half-width brackets, 1、 numbering, ASCII quotes and inner spaces do not defeat matching."""
    spec = gx.templates.get(template_id)
    values = numbered(spec)
    year = 2020 if "2019" in template_id else 2022
    report = gx.read(tab_text(spec, values, relabel=_variant_labels, year=year))
    assert report.template == template_id
    assert cell_values(report) == values


def test_rows_are_matched_by_label_not_position() -> None:
    """Shuffled data rows land on their own lines."""
    spec = gx.templates.get("national-2021")
    values = numbered(spec)
    rng = random.Random(7)

    def shuffle(lines: list[gx.spec.LineSpec]) -> list[gx.spec.LineSpec]:
        # Keep heading groups together, as a real table does, but shuffle everything else.
        top = [ln for ln in lines if not ln.path]
        rng.shuffle(top)
        return top + [ln for ln in lines if ln.path]

    report = gx.read(tab_text(spec, values, line_order=shuffle, year=2022))
    assert cell_values(report) == values


def test_annotated_hubei_labels_and_extra_row() -> None:
    """Hubei's annotated labels match after stripping; its extra row picks hubei-2019."""
    spec = gx.templates.get("hubei-2019")
    values = numbered(spec)

    def annotate(label: str) -> str:
        first_column = spec.table("s2.art20_5").columns[-1].label
        first_line = spec.table("s2.art20_1").lines[0].label
        return label + "(指2020年办件量)" if label in {first_column, first_line} else label

    report = gx.read(tab_text(spec, values, relabel=annotate))
    assert report.template == "hubei-2019"
    assert cell_values(report) == values


def test_unknown_rows_are_kept_as_extras() -> None:
    """A row the template does not declare is reported in extras, never dropped."""
    spec = gx.templates.get("national-2019")
    text = tab_text(
        spec,
        numbered(spec),
        extra_rows={"s3": [["", "（八）其他情形", "1", "0", "0", "0", "0", "0", "1"]]},
    )
    report = gx.read(text)
    [extra] = report.extras
    assert (extra.table, extra.axis, extra.label) == ("s3", "row", "（八）其他情形")
    assert extra.cells == ("1", "0", "0", "0", "0", "0", "1")
    assert extra.source is not None
    assert extra.source.line


def test_unknown_header_column_is_kept_as_an_extra_column() -> None:
    """An extra header column (a 法人 subtotal) is kept; the declared columns stay right."""
    spec = gx.templates.get("national-2019")
    values = numbered(spec)
    text = tab_text(spec, values)
    s3 = spec.table("s3")
    header = "\t" + "\n\t".join([s3.corner] + [c.label for c in s3.columns])
    assert header in text
    with_extra = "\t" + "\n\t".join(
        [s3.corner] + [c.label for c in s3.columns[:-1]] + ["法人小计", s3.columns[-1].label]
    )
    text = text.replace(header, with_extra)
    # Give every s3 data row a subtotal cell before its total.
    for line in s3.lines:
        total = values[("s3", line.id, "total")]
        text = text.replace(f"\t{total}\n\n", f"\t999\n\t{total}\n\n", 1)
    report = gx.read(text)
    assert cell_values(report) == values
    extra_columns = [e for e in report.extras if e.axis == "column"]
    assert len(extra_columns) == len(s3.lines)
    assert {e.label for e in extra_columns} == {"法人小计"}
    assert {e.cells for e in extra_columns} == {("999",)}


@pytest.mark.parametrize("bad", ["1.5", "abc", "12元"])
def test_unreadable_count_is_a_parse_error_naming_the_cell(bad: str) -> None:
    """A count cell holding 1.5, abc or 12元 raises ParseError naming table, line, column, place."""
    spec = gx.templates.get("national-2019")
    values = numbered(spec)
    values[("s3", "r3_7", "natural_person")] = bad
    with pytest.raises(gx.ParseError) as info:
        gx.read(tab_text(spec, values))
    err = info.value
    s3 = spec.table("s3")
    assert s3.line("r3_7").label in err.message
    assert s3.column("natural_person").label in err.message
    assert bad in err.message
    assert err.location is not None
    assert err.location.line
    assert err.source == "<text>"


def test_blank_cells_stay_blank_and_make_rules_uncertain() -> None:
    """A blank total stays BLANK (not 0) and its rules report `uncertain`, not `fail`."""
    spec = gx.templates.get("national-2019")
    values = {k: "0" for k in numbered(spec)}
    values[("s3", "r1_open", "natural_person")] = "5"
    values[("s3", "r1_open", "total")] = ""
    values[("s3", "new", "natural_person")] = "5"
    values[("s3", "new", "total")] = "5"
    values[("s3", "r7_total", "natural_person")] = "5"
    values[("s3", "r7_total", "total")] = "5"
    report = gx.read(tab_text(spec, values))
    cell = report.cell("s3", "r1_open", "total")
    assert cell is not None
    assert cell.is_blank
    assert cell.value is gx.BLANK
    violations = gx.validate(report)
    assert {(v.rule, v.at, v.status) for v in violations} == {
        ("C3.row_total", "r1_open", "uncertain"),
        ("C3.results_total", "total", "uncertain"),
    }


def test_gb18030_bytes_are_decoded() -> None:
    """GBK/GB18030-encoded bytes read the same as the text."""
    spec = gx.templates.get("national-2021")
    text = tab_text(spec, numbered(spec), year=2022)
    from_bytes = gx.read(text.encode("gb18030"))
    assert from_bytes.source == "<bytes>"
    assert cell_values(from_bytes) == cell_values(gx.read(text))


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02\xff\xfe" * 50, "没有表格的文字。\n第二行。\n".encode(), b"\t\t\t\n\t\n\t"],
)
def test_inputs_without_a_report_are_parse_errors(data: bytes) -> None:
    """Empty input, binary junk and prose without tables give ParseError, nothing else."""
    with pytest.raises(gx.ParseError):
        gx.read(data)


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    """A path that does not exist is a ParseError naming it."""
    with pytest.raises(gx.ParseError, match=r"missing\.txt"):
        gx.read(str(tmp_path) + "/missing.txt")


def test_fullwidth_digits_and_nbsp_padding_read() -> None:
    """Full-width digits and NBSP/ideographic-space padding read as plain numbers."""
    spec = gx.templates.get("national-2019")
    values = numbered(spec)
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    styled = {k: "\xa0" + v.translate(wide) + "\u3000" for k, v in values.items()}
    assert cell_values(gx.read(tab_text(spec, styled))) == values


@pytest.mark.parametrize(
    "text",
    [
        "\t信息内容\n\t自然人\n\n" * 20_000,
        ("\t" + "\t".join(["1"] * 500) + "\n\n") * 3,
        ("\t" + "\t".join(["1"] * 99) + "\n\n") * 1000,
    ],
    ids=["too many rows", "too wide a row", "too many cells"],
)
def test_oversized_grids_are_refused_with_a_location(text: str) -> None:
    """Inputs far beyond any report's size are refused with a ParseError naming where."""
    with pytest.raises(gx.ParseError, match="far fewer") as info:
        gx.read(text)
    assert info.value.location is not None


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A file over the size limit is refused from its size, before it is read."""
    from gxschema import _read

    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(_read.MAX_INPUT_BYTES + 1)
    with pytest.raises(gx.ParseError, match="limit"):
        gx.read(path)


def _mixed(s2_from: str, rest_from: str, year: int) -> tuple[str, dict[tuple[str, str, str], str]]:
    """A report printing section 二 as one template and 三/四 as another."""
    s2_spec, rest_spec = gx.templates.get(s2_from), gx.templates.get(rest_from)
    s2_text = tab_text(s2_spec, numbered(s2_spec), year=year)
    rest_text = tab_text(rest_spec, numbered(rest_spec), year=year)
    cut = s2_spec.table("s3").section
    head, _ = s2_text.split(cut, 1)
    _, tail = rest_text.split(cut, 1)
    values = {k: v for k, v in numbered(s2_spec).items() if k[0].startswith("s2.")}
    values |= {k: v for k, v in numbered(rest_spec).items() if not k[0].startswith("s2.")}
    return head + cut + tail, values


@pytest.mark.parametrize(
    ("s2_from", "rest_from", "year", "expected"),
    [
        ("national-2019", "national-2021", 2021, "national-2019[s3=national-2021]"),
        ("national-2021", "national-2019", 2022, "hybrid-2021"),
    ],
)
def test_each_table_is_read_with_the_template_its_labels_fit(
    s2_from: str, rest_from: str, year: int, expected: str
) -> None:
    """A report mixing templates is read table by table; a declared hybrid wins when one fits."""
    text, values = _mixed(s2_from, rest_from, year)
    report = gx.read(text)
    assert report.template == expected
    assert cell_values(report) == values
    assert report.extras == ()
    spec = gx.templates.get(report.template)
    assert gx.templates.get(expected) is spec
    if "[" in expected:
        s3 = next(d for d in report.detection if d.table == "s3")
        assert "fit national-2021's declaration better" in s3.reason
    # The composite id resolves anywhere, so the report validates against it.
    assert {v.rule for v in gx.validate(report)} <= {r.id for r in spec.rules}
    assert gx.from_json(gx.to_json(report)) == report


def test_composite_ids_resolve_and_are_not_listed() -> None:
    """A composite id resolves to the base with the named tables swapped, and is not listed."""
    spec = gx.templates.compose(
        "national-2021", {"s3": "national-2019", "s2.art20_9": "national-2019"}
    )
    assert spec.id == "national-2021[s2.art20_9=national-2019,s3=national-2019]"
    assert [t.id for t in spec.tables] == [
        "s2.art20_1",
        "s2.art20_5",
        "s2.art20_6",
        "s2.art20_8",
        "s2.art20_9",
        "s3",
        "s4",
    ]
    assert "r6" in {ln.id for ln in spec.table("s3").lines}
    assert spec.id not in gx.templates.available()
    with pytest.raises(KeyError):
        gx.templates.get("national-2021[s9=national-2019]")
