"""Damaged and unusual inputs: the reader keeps every value in its place or says why.

Each test mutates the shipped example the way real copies differ, and compares what is
read with the unmutated reading.  Labels come from the spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gxschema as gx
from gxschema import dsl
from gxschema._values import looks_like_value as _value_like
from gxschema.dsl import this
from tests.conftest import EXAMPLES

TEXT = (EXAMPLES / "lucheng-police-2020.txt").read_text(encoding="utf-8")
SPEC = gx.templates.get("national-2019")
S2_5, S3, S4 = SPEC.table("s2.art20_5"), SPEC.table("s3"), SPEC.table("s4")
BASE = gx.read(TEXT)


def values(report: gx.Report) -> dict[tuple[str, str, str], str]:
    """Raw text of every cell, keyed by (table, line, column)."""
    return {(t, r, c): cell.raw for t, r, c, cell in report.cells()}


def tab(label: str) -> str:
    """A label cell as the layout prints it."""
    return f"\t{label}\n"


def test_variant_spelling_of_a_flat_header_is_read_by_position() -> None:
    """其他 for 其他结果 in section 四's header: every value stays in its column."""
    other = S4.column("other").label
    report = gx.read(TEXT.replace(tab(other), tab(other[:2])))
    assert values(report) == values(BASE)
    reason = next(d.reason for d in report.detection if d.table == "s4")
    assert "by position" in reason


def test_trailing_tabs_open_no_cells() -> None:
    """A tab at the end of every line changes nothing."""
    text = "\n".join(line + "\t" if line.startswith("\t") else line for line in TEXT.split("\n"))
    assert values(gx.read(text)) == values(BASE)


def test_extra_value_in_the_flat_row_is_kept_not_shifted() -> None:
    """One value too many in section 四's row: nothing is guessed, the row is kept whole."""
    lines = TEXT.rstrip("\n").split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("\t") and line.strip())
    lines.insert(last + 1, "\t9")
    report = gx.read("\n".join(lines) + "\n")
    assert "s4" not in report.tables
    [extra] = [e for e in report.extras if e.table == "s4"]
    assert len(extra.cells) == 16
    assert extra.cells[-1] == "9"


def test_row_label_of_the_other_template_stays_in_this_one() -> None:
    """行政规范性文件 in a 2019 report: the table keeps 2019's columns, the row is an extra."""
    label = SPEC.table("s2.art20_1").line("normative").label
    report = gx.read(TEXT.replace(tab(label), tab("行政" + label)))
    assert report.template == "national-2019"
    assert [e.label for e in report.extras] == ["行政" + label]
    assert set(report.tables["s2.art20_1"]["rules"]) == {"made", "published", "total_public"}


def test_variant_column_header_is_matched_by_likeness() -> None:
    """上年项目数量 for 上一年项目数量: the rows keep all three values."""
    previous = S2_5.column("previous").label
    report = gx.read(TEXT.replace(tab(previous), tab(previous.replace("一", "")), 1))
    assert values(report) == values(BASE)


@pytest.mark.parametrize("replacement", ["法人或者其他组织", ""])
def test_group_header_variants_keep_section_three(replacement: str) -> None:
    """A variant or blank 法人或其他组织 header changes nothing in section 三."""
    group = S3.column("commercial").path[0]
    report = gx.read(TEXT.replace(tab(group), tab(replacement)))
    assert values(report) == values(BASE)
    assert report.extras == ()


def test_unknown_row_in_section_two_is_kept_with_its_label() -> None:
    """An unknown row in 第二十条第（五）项 is an extra of that table, label and values whole."""
    first = S2_5.lines[0].label
    text = TEXT.replace(tab(first), "\t其他事项\n\t7\n\t8\n\t9\n\n" + tab(first), 1)
    report = gx.read(text)
    assert values(report) == values(BASE)
    [extra] = report.extras
    assert (extra.table, extra.label, extra.cells) == ("s2.art20_5", "其他事项", ("7", "8", "9"))


def test_row_with_too_few_values_is_kept_as_an_extra() -> None:
    """A section 三 row that lost a value is an extra, and reported missing, not dropped."""
    label = S3.line("r3_7").label
    start = TEXT.index(tab(label))
    end = TEXT.index("\n\n", start)
    block = TEXT[start:end].split("\n")
    damaged = "\n".join(block[:-1])  # drop the row's last value
    report = gx.read(TEXT[:start] + damaged + TEXT[end:])
    [extra] = report.extras
    assert (extra.table, extra.label) == ("s3", label)
    assert len(extra.cells) == 6
    assert "r3_7" not in report.tables["s3"]
    reason = next(d.reason for d in report.detection if d.table == "s3")
    assert f"missing: {label}" in reason


def test_duplicated_flat_row_is_kept_as_an_extra() -> None:
    """A second data row in section 四 is kept as an extra; the first is read."""
    lines = TEXT.rstrip("\n").split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("\t") and line.strip())
    first = last
    while lines[first - 1].startswith("\t"):
        first -= 1
    row = lines[first : last + 1]
    report = gx.read("\n".join([*lines, "", *row]) + "\n")
    assert values(report) == values(BASE)
    [extra] = report.extras
    assert extra.table == "s4"
    assert len(extra.cells) == 15


def test_flat_row_with_a_label_cell_in_front_is_read() -> None:
    """A label cell before section 四's values does not lose the table."""
    lines = TEXT.rstrip("\n").split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("\t") and line.strip())
    first = last
    while lines[first - 1].startswith("\t"):
        first -= 1
    lines.insert(first, "\t数量")
    assert values(gx.read("\n".join(lines) + "\n")) == values(BASE)


def test_long_whitespace_runs_are_not_values() -> None:
    """A cell of a digit, 40,000 spaces and a letter is not taken for a value."""
    assert not _value_like("1" + " " * 40_000 + "x")
    assert _value_like("\xa0 12 件\u3000")


def test_cr_only_text_and_bad_paths() -> None:
    """CR-only text is text; empty, NUL-holding and directory paths are ParseErrors."""
    assert values(gx.read(TEXT.replace("\n", "\r"))) == values(BASE)
    for bad in ("", "a\x00b", str(Path(__file__).parent)):
        with pytest.raises(gx.ParseError):
            gx.read(bad)


def test_malformed_composite_ids_are_unknown() -> None:
    """A composite id must name table=template pairs."""
    with pytest.raises(KeyError):
        gx.templates.get("national-2021[foo]")


# -- declarations that must fail -------------------------------------------------------


@dsl.columns
class Two:
    """Two columns."""

    a: dsl.Count = dsl.column("甲")
    b: dsl.Count = dsl.column("乙")


def _row_class(**body: Any) -> type:
    annotations = {k: dsl.Count for k, v in body.items() if not isinstance(v, gx.spec.RuleSpec)}
    return dsl.columns(type("R", (), {"__annotations__": annotations, **body}))


BAD: list[tuple[str, Any, str]] = [
    ("money unit", lambda: dsl.column("金额", unit="美元"), "unit"),
    ("unit on a count", lambda: _row_class(a=dsl.column("甲", unit="元")), "only money"),
    ("message placeholder", lambda: dsl.rule("X", this.a == this.b, zh="{nope}"), "nope"),
    ("label not text", lambda: dsl.column(123), "label"),
    ("aliases as one string", lambda: dsl.column("总计", aliases="合计"), "list of strings"),
    ("kind as a string", lambda: dsl.column("甲", kind="count"), "a Kind"),
    (
        "annotated plain value",
        lambda: dsl.columns(type("R", (), {"__annotations__": {"b": dsl.Count}, "b": 5})),
        "dsl.column",
    ),
    (
        "rule that cancels out",
        lambda: dsl.columns(type("R", (Two,), {"r": dsl.rule("X", this.a == this.a)})),
        "cancels out",
    ),
    (
        "two rules, one id",
        lambda: dsl.columns(
            type(
                "R",
                (Two,),
                {"r1": dsl.rule("X", this.a == this.b), "r2": dsl.rule("X", this.a <= this.b)},
            )
        ),
        "share the id",
    ),
]


@pytest.mark.parametrize(("name", "build", "needle"), BAD, ids=[b[0] for b in BAD])
def test_more_bad_declarations_fail_at_creation(name: str, build: Any, needle: str) -> None:
    """Each of these raises DeclarationError naming the problem, not another exception."""
    with pytest.raises(gx.DeclarationError, match=needle):
        build()


def test_tables_sharing_a_label_cannot_form_a_template() -> None:
    """Two tables whose captions normalise alike are refused: a reader could not tell them apart."""

    @dsl.table("t1", label="第二十条第（一）项")
    class One:
        x: Two = dsl.line("甲")

    @dsl.table("t2", label="第二十条第(一)项")
    class Other:
        x: Two = dsl.line("甲")

    with pytest.raises(gx.DeclarationError, match="share the label"):
        dsl.template("twins", tables=[One, Other])
