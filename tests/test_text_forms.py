"""Plain text and Markdown: the other text forms reports circulate in."""

from __future__ import annotations

import pytest

import gxschema as gx
from gxschema._read import detect_form
from gxschema._readers._text import read_tab_layout
from tests.conftest import EXAMPLES

TEXT = (EXAMPLES / "lucheng-police-2020.txt").read_text(encoding="utf-8")
BASE = gx.read(TEXT)


GRID = read_tab_layout(TEXT)


def plain(glue: str = " ") -> str:
    """The example flattened: each row's non-empty cells on one line, joined by `glue`."""
    out = []
    for row in GRID.rows:
        cells = [c.text.replace("\n", "").strip() for c in row.cells]
        cells = [c for c in cells if c]
        if cells:
            out.append(glue.join(cells))
    return "\n".join(out) + "\n"


def raw(report: gx.Report) -> dict[tuple[str, str, str], object]:
    """The values of every cell."""
    return {(t, r, c): cell.value for t, r, c, cell in report.cells()}


def test_plain_text_is_read_by_label() -> None:
    """Crawled plain text (one line a row, words separated by spaces) reads the same values."""
    text = plain()
    assert detect_form(text) == "plain"
    report = gx.read(text)
    assert report.template == "national-2019"
    assert raw(report) == raw(BASE)


def test_ran_together_values_are_split_when_exactly_one_split_fits() -> None:
    """`2 000002` for 2,0,0,0,0,0,2: the one split satisfying 总计 = Σ is taken, cells inferred."""
    text = plain()
    line = next(ln for ln in text.split("\n") if ln.startswith("一、本年新收"))
    assert line.endswith(" 2 0 0 0 0 0 2")
    squashed = line[: -len(" 2 0 0 0 0 0 2")] + " 2 000002"
    report = gx.read(text.replace(line, squashed))
    assert raw(report) == raw(BASE)
    cells = report.tables["s3"]["new"]
    assert all(c.inferred for c in cells.values())
    reason = next(d.reason for d in report.detection if d.table == "s3")
    assert "ran together" in reason
    others = [c for t, r, _, c in report.cells() if (t, r) != ("s3", "new")]
    assert not any(c.inferred for c in others)


def test_ambiguous_ran_together_values_are_kept_as_an_extra() -> None:
    """`102122219` splits as 1|0|2|12|2|2|19 and as 10|2|1|2|2|2|19: kept whole, not guessed."""
    text = plain()
    line = next(ln for ln in text.split("\n") if ln.startswith("一、本年新收"))
    squashed = line[: -len(" 2 0 0 0 0 0 2")] + " 102122219"
    report = gx.read(text.replace(line, squashed))
    assert "new" not in report.tables["s3"]
    [extra] = [e for e in report.extras if e.table == "s3"]
    assert extra.cells == ("102122219",)
    reason = next(d.reason for d in report.detection if d.table == "s3")
    assert "several splits fit" in reason


def markdown() -> str:
    """The example as Markdown: a pipe table per run of rows, short rows padded with blanks."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        width = max(len(r) for r in table)
        rows = [r + [" "] * (width - len(r)) for r in table]
        out.append("| " + " | ".join(c or " " for c in rows[0]) + " |")
        out.append("|" + "---|" * width)
        out.extend("| " + " | ".join(c or " " for c in r) + " |" for r in rows[1:])
        out.append("")
        table.clear()

    for row in GRID.rows:
        if row.heading:
            flush()
            out += [row.cells[0].text, ""]
        else:
            table.append([c.text.strip().replace("\n", "<br>") for c in row.cells])
    flush()
    return "\n".join(out) + "\n"


def test_markdown_tables_are_read_by_label() -> None:
    """Markdown pipe tables (as conversion tools write them) read the same values."""
    text = markdown()
    assert detect_form(text) == "markdown"
    assert raw(gx.read(text)) == raw(BASE)


@pytest.mark.parametrize(
    ("content", "form"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"PK\x03\x04rest", "docx"),
        (b"<!DOCTYPE html><html>", "html"),
        ("\ufeff<html><body><table>", "html"),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", "markdown"),
        ("\ta\n\tb\n\n\tc\n", "text"),
        ("标题\n一、本年新收 1 2 3\n", "plain"),
    ],
)
def test_forms_are_detected_from_content(content: bytes | str, form: str) -> None:
    """The form comes from the content, not the file name."""
    assert detect_form(content, "report.txt") == form
