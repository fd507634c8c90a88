"""The aligner: text whose tables lost their cells, read by aligning it to the declaration.

Crawled page text (cells run together), Markdown from a PDF converter (rows without
labels, torn labels), the text of PDFs without ruling lines: the property is that the
reading gives back every cell the rules determine, names every other cell in an
ambiguity, and never gives a wrong value.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema._align._tokens import tokenize
from gxschema._grid import Grid, GridCell, GridRow
from gxschema.strategies import renderings, reports
from tests.conftest import examples

NATIONAL = ["national-2019", "national-2021"]
MESSY = ["crawled", "converted", "pdf-text"]


def _grid(*texts: str, heading: bool = True) -> Grid:
    rows = tuple(
        GridRow((GridCell(t, gx.Location(line=n)),), gx.Location(line=n), heading=heading)
        for n, t in enumerate(texts, 1)
    )
    return Grid(rows, "<text>", "plain")


def _s3_text(spec: gx.spec.TemplateSpec, values: dict[str, list[int]], sep: str) -> str:
    """Section 三 printed the way a crawler flattens it: labels, then digits run together."""
    s3 = spec.table("s3")
    section = spec.section_of(s3)
    assert section is not None
    parts = [section.title]
    for line in s3.lines:
        if line.id in values:
            parts.append(line.label + sep.join(str(v) for v in values[line.id]))
    return "正文\n" + " ".join(parts) + "\n"


# -- the tokenizer ---------------------------------------------------------------------


def test_a_digit_run_gives_its_last_digit_to_the_next_item_number() -> None:
    """``00000002.其他`` is seven zeros and the label ``2.其他``."""
    toks = tokenize(_grid("1.属于国家秘密00000002.其他法律行政法规禁止公开 0000000"))
    assert [(t.kind, t.text) for t in toks] == [
        ("label", "1.属于国家秘密"),
        ("num", "0000000"),
        ("label", "2.其他法律行政法规禁止公开"),
        ("num", "0000000"),
    ]
    assert toks[1].digits == "0000000"


def test_bracketed_notes_footers_and_prose_numbers_are_not_values() -> None:
    """A note's digits stay in the label, a page footer goes, ``2024年`` is prose."""
    toks = tokenize(_grid("规章 22 （其中修订 16 件）", "— 5 —", "2024年 行政许可 7"))
    assert [(t.kind, t.text) for t in toks] == [
        ("label", "规章"),
        ("num", "22"),
        ("label", "(其中修订 16 件)"),
        ("label", "年"),
        ("label", "行政许可"),
        ("num", "7"),
    ]


def test_digits_wrapped_inside_a_table_cell_are_one_joined_number() -> None:
    r"""``305\\n0`` in a table cell is 3050, marked joined; in prose lines it is not."""
    [tok] = tokenize(_grid("305\n0", heading=False))
    assert (tok.kind, tok.text, tok.joined) == ("num", "3050", True)


def test_a_signed_or_decimal_run_keeps_its_sign_and_decimals_for_the_cut() -> None:
    """``-53`` may be ``-5|3``; ``40.96`` may be ``4|0.96``: the sign leads, decimals trail."""
    toks = tokenize(_grid("行政强制 12-53 政府集中采购 40.96"))
    nums = [(t.text, t.lead, t.digits, t.tail) for t in toks if t.kind == "num"]
    assert nums == [("12", "", "12", ""), ("-53", "-", "53", ""), ("40.96", "", "40", ".96")]


# -- reading ---------------------------------------------------------------------------


def test_digits_run_together_are_cut_by_the_rules_alone() -> None:
    """Every section 三 line run together is cut the one way C3's rules allow."""
    spec = gx.templates.get("national-2021")
    s3 = spec.table("s3")
    rows = {ln.id: [0] * 7 for ln in s3.lines}
    rows["new"] = [71, 3, 0, 0, 0, 0, 74]
    rows["carried_in"] = [1, 0, 0, 0, 0, 0, 1]
    rows["r1_open"] = [21, 0, 0, 0, 0, 0, 21]
    rows["r4_1"] = [37, 0, 0, 0, 0, 0, 37]
    rows["r6_3"] = [0, 2, 0, 0, 0, 0, 2]
    rows["r7_total"] = [58, 2, 0, 0, 0, 0, 60]
    rows["carried_out"] = [14, 1, 0, 0, 0, 0, 15]
    report = gx.read(_s3_text(spec, rows, ""), template="national-2021")
    assert report.ambiguities == ()
    for line, values in rows.items():
        got = [report.cell("s3", line, c.id) for c in s3.columns]
        assert [c.value for c in got if c is not None] == [gx.Number(v) for v in values]
    cell = report.cell("s3", "new", "natural_person")
    assert cell is not None
    assert cell.how == "split"
    assert cell.inferred
    assert any("aligned" in d.reason for d in report.detection if d.table == "s3")


def test_a_cut_the_rules_do_not_decide_is_an_ambiguity_never_a_guess() -> None:
    """``行政规范性文件8855698`` under three columns with no rule: 15 readings, none chosen."""
    spec = gx.templates.get("national-2021")
    table = spec.table("s2.art20_1")
    line = table.lines[1]
    rows = f"{table.lines[0].label}000 {line.label}8855698"
    text = f"二、主动公开政府信息情况\n{table.label} {rows}\n"
    report = gx.read(text, template="national-2021")
    [amb] = [a for a in report.ambiguities if a.table == table.id]
    assert amb.cells == tuple((line.id, c.id) for c in table.columns)
    assert ("88", "55", "698") in amb.readings
    assert len(amb.readings) == 15
    assert all(report.cell(table.id, line.id, c.id) is None for c in table.columns)
    first = report.cell(table.id, table.lines[0].id, table.columns[0].id)
    assert first is not None
    assert first.value == gx.Number(0)
    assert first.how == "split"
    assert gx.check(report).verdict != "ok"


def test_numbers_the_prose_states_next_to_the_label_settle_a_cut() -> None:
    """The text says ``现行有效行政规范性文件698件`` and ``制发…规范性文件88件``: 88|55|698."""
    spec = gx.templates.get("national-2021")
    table = spec.table("s2.art20_1")
    prose = "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"
    text = f"{prose}\n二、主动公开政府信息情况\n{table.label} {table.lines[1].label}8855698\n"
    report = gx.read(text, template="national-2021")
    got = [report.cell(table.id, table.lines[1].id, c.id) for c in table.columns]
    assert [c.raw for c in got if c is not None] == ["88", "55", "698"]
    assert "prose" in next(d.reason for d in report.detection if d.table == table.id)


def test_a_text_without_any_table_is_still_refused() -> None:
    """Prose with numbers but no declared table is a ParseError, not a guessed report."""
    with pytest.raises(gx.ParseError, match="no table"):
        gx.read("本机关2024年收到申请15件，办结12件。\n其他事项。\n")


def test_json_and_csv_say_how_each_cell_was_read() -> None:
    """Cells carry ``how`` in the JSON (schema-valid) and as the CSV's last column."""
    jsonschema = pytest.importorskip("jsonschema")
    spec = gx.templates.get("national-2021")
    table = spec.table("s2.art20_1")
    text = f"二、主动公开政府信息情况\n{table.label} {table.lines[1].label}8855698\n"
    report = gx.read(text, template="national-2021")
    data = json.loads(gx.to_json(report))
    jsonschema.validate(data, gx.json_schema(spec))
    assert data["ambiguities"][0]["cells"][0] == [table.lines[1].id, table.columns[0].id]
    back = gx.from_json(gx.to_json(report))
    assert back.ambiguities == report.ambiguities
    rows = list(gx.long_rows(report))
    assert gx.LongRow.__attrs_attrs__[-1].name == "how"
    assert {r.how for r in rows} <= {"cell", "label", "order", "split", "joined"}


# -- the property ----------------------------------------------------------------------


def _check_reading(rendering: gx.strategies.Rendering, template: str) -> None:
    report = gx.read(rendering.content, form=rendering.form, template=template)
    undetermined = {(a.table, cell) for a in report.ambiguities for cell in a.cells}
    for table, line, column, cell in rendering.expected.cells():
        got = report.cell(table, line, column)
        if got is None:
            assert (table, (line, column)) in undetermined, (table, line, column)
        else:
            assert got.value == cell.value, (table, line, column, cell.raw, got.raw, got.how)
            assert (table, (line, column)) not in undetermined
            assert got.how in {"cell", "label", "order", "split", "joined"}


@pytest.mark.parametrize("form", MESSY)
@pytest.mark.parametrize("template", NATIONAL)
@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_messy_renderings_read_back_exactly_or_name_their_ambiguities(
    data: st.DataObject, form: str, template: str
) -> None:
    """Whatever the mess, every cell read is right; every other cell is named."""
    spec = gx.templates.get(template)
    report = data.draw(reports(spec), label="report")
    rendering = data.draw(renderings(report, form), label="rendering")
    assert not rendering.exact
    assert rendering.noise == (form,)
    _check_reading(rendering, template)


def test_renderings_refuse_an_unknown_messy_form() -> None:
    """A form that is neither a writer's nor a messy one is refused by name."""
    report = gx.Report(template="national-2021")
    with pytest.raises(Exception, match="crawled"):
        renderings(report, "scanned")


# -- rows printed away from their caption ------------------------------------------------


def test_a_number_filling_a_markdown_cell_is_one_value() -> None:
    """A pipe table's cell (or a loose line of converted Markdown) holds one value."""
    rows = (
        GridRow(
            (GridCell("规章", gx.Location(line=1)), GridCell("235", gx.Location(line=1))),
            gx.Location(line=1),
        ),
        GridRow((GridCell("22", gx.Location(line=2)),), gx.Location(line=2), heading=True),
    )
    celled = tokenize(Grid(rows, "<md>", "markdown"))
    assert [(t.text, t.digits) for t in celled if t.kind == "num"] == [("235", ""), ("22", "")]
    plain = tokenize(Grid(rows, "<text>", "plain"))
    assert [t.digits for t in plain if t.kind == "num"] == ["235", "22"]


def _displaced_markdown(spec: gx.spec.TemplateSpec) -> str:
    """Section 二 as a converter scrambles it.

    The caption, the cells it pulled out of the table as loose lines, the next table,
    then the rows, each one value short.
    """
    first, second = spec.table("s2.art20_1"), spec.table("s2.art20_5")
    section = spec.section_of(first)
    assert section is not None
    rules, normative = first.lines
    return "\n".join(
        [
            section.title,
            first.label,
            "12",
            "（其中修订 3 件）",
            "9",
            second.label,
            f"| {second.lines[0].label} | 4 |",
            "|---|---|",
            f"| {rules.label} | 12 | 30 |",
            "|---|---|---|",
            f"| {normative.label} | 16 | 40 |",
            "|---|---|---|",
            "",
        ]
    )


def test_rows_printed_after_other_tables_are_found_and_their_loose_cells_named() -> None:
    """Rows printed past the other tables are found by label; loose cells are named.

    The loose values go back in reading order.  The first carries a note naming a
    column's declared ``notes`` (``（其中修订 3 件）``: 本年制发件数), so it goes there;
    the second has none, and the cells whose value depends on the column no rule fixes
    are named with every reading, never guessed.
    """
    spec = gx.templates.get("national-2021")
    report = gx.read(_displaced_markdown(spec).encode(), form="markdown", template=spec.id)
    table = "s2.art20_1"
    rules = {
        column: (cell.value, cell.how)
        for column in ("issued", "repealed", "in_force")
        if (cell := report.cell(table, "rules", column)) is not None
    }
    assert rules == {
        "issued": (gx.Number(12), "order"),
        "repealed": (gx.Number(12), "label"),
        "in_force": (gx.Number(30), "label"),
    }
    assert report.cell("s2.art20_5", "licensing", "decisions").value == gx.Number(4)  # type: ignore[union-attr]
    open_ = {a.cells: set(a.readings) for a in report.ambiguities if a.table == table}
    assert open_ == {
        (("normative", "issued"), ("normative", "repealed"), ("normative", "in_force")): {
            ("9", "16", "40"),
            ("16", "9", "40"),
            ("16", "40", "9"),
        },
    }
    assert gx.check(report).verdict == "incomplete"


def test_digits_of_a_line_without_rules_are_never_cut() -> None:
    """``| 规章 | 5 | 30 |`` under three columns is a lost cell, not ``5|3|0``.

    Section 二 has no rule to check a split against: that ``5 30`` can be cut into three
    numbers only one way proves nothing, so no cell of the row gets a cut value, and the
    readings the loose value allows (it has no note here) are named.
    """
    spec = gx.templates.get("national-2021")
    text = (
        _displaced_markdown(spec)
        .replace("| 12 | 30 |", "| 5 | 30 |")
        .replace("\n12\n（其中修订 3 件）\n", "\n5\n")
    )
    assert "| 5 | 30 |" in text
    assert "修订" not in text
    report = gx.read(text.encode(), form="markdown", template=spec.id)
    table = "s2.art20_1"
    read = {
        column: cell.value
        for column in ("issued", "repealed", "in_force")
        if (cell := report.cell(table, "rules", column)) is not None
    }
    assert read == {"issued": gx.Number(5)}
    open_ = {a.cells: set(a.readings) for a in report.ambiguities if a.table == table}
    assert open_[(("rules", "repealed"), ("rules", "in_force"))] == {("5", "30"), ("30", "5")}
