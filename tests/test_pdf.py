"""The PDF reader: the grid convention, page breaks, the golden corpus, hostile input.

The fixtures in ``tests/fixtures/pdf`` are made by ``make_fixtures.py`` there (ReportLab);
the corpus PDFs live in ``../shared/corpus`` and their tests skip when it is absent.
Everything here needs the optional ``pdf`` extra (pdfplumber) except the checks that
work without it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import random
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gxschema as gx
from gxschema._grid import Grid, GridRow
from gxschema._mapper import map_grid
from gxschema._readers import _pdf
from gxschema._readers._pdf import _budget, looks_like_pdf, read_pdf
from gxschema._report import Location
from tests.conftest import CORPUS, need
from tests.test_corpus import found_and_listed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
CORPUS_FILES = {  # file: the template its tables follow
    "hzq-2023": "hybrid-2021",
    "hzq-2024": "hybrid-2021",
    "huaian-2024": "national-2021",
}

needs_pdfplumber = pytest.mark.skipif(
    importlib.util.find_spec("pdfplumber") is None,
    reason="pdfplumber is not installed (the optional 'pdf' extra: pip install 'gxschema[pdf]')",
)


def _read(name: str) -> Grid:
    return read_pdf((FIXTURES / name).read_bytes(), source=name)


def _map(grid: Grid) -> gx.Report:
    candidates = [gx.templates.get(t) for t in gx.templates.available()]
    return map_grid(grid, candidates, compose=gx.templates.compose)


def _shape(row: GridRow) -> list[str]:
    """A row's cells as text, ``^`` for a continued stand-in, ``[c×r]`` for spans."""
    out = []
    for c in row.cells:
        span = f"[{c.colspan}x{c.rowspan}]" if (c.colspan, c.rowspan) != (1, 1) else ""
        out.append(("^" if c.continued else c.text) + span)
    return out


def _table_rows(grid: Grid) -> list[GridRow]:
    return [r for r in grid.rows if not r.heading]


def _expected_cells(report: gx.Report, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(table, line, column, expected, read) for every value of an expected-values file.

    Section 二 is keyed by block, row label and column label as the template spells
    them; they are looked up by label in the spec of the report's template.
    """
    spec = gx.templates.get(report.template)
    out: list[tuple[Any, ...]] = []
    for block, rows in values["s2"].items():
        table = spec.table(f"s2.{block}")
        for line_label, columns in rows.items():
            line = next(ln for ln in table.lines if ln.label == line_label)
            for column_label, value in columns.items():
                column = next(c for c in table.columns if c.label == column_label)
                out.append(
                    (table.id, line.id, column.id, value, report.cell(table.id, line.id, column.id))
                )
    for table_id in ("s3", "s4"):
        for line_id, columns in values[table_id].items():
            for column_id, value in columns.items():
                out.append(
                    (table_id, line_id, column_id, value, report.cell(table_id, line_id, column_id))
                )
    return out


def _matches(expected: Any, cell: gx.Cell | None) -> bool:
    if cell is None:
        return False
    if expected is None:
        return cell.value == gx.BLANK
    if isinstance(expected, str):  # money, a decimal string in the header's unit
        return isinstance(cell.value, gx.Number) and cell.value.value == Decimal(expected)
    return cell.value == gx.Number(expected)


def _build_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF from object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _refused(data: bytes, match: str, seconds: float = 2.0) -> gx.ParseError:
    """Assert that reading raises ParseError matching ``match``, within ``seconds``."""
    start = time.perf_counter()
    with pytest.raises(gx.ParseError, match=match) as caught:
        read_pdf(data, source="hostile.pdf")
    assert time.perf_counter() - start < seconds
    assert caught.value.source == "hostile.pdf"
    return caught.value


# -- without pdfplumber -------------------------------------------------------------------


def test_looks_like_pdf() -> None:
    """The %PDF- marker is recognised at the start or anywhere in the first kilobyte."""
    assert looks_like_pdf(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert looks_like_pdf(b"\r\nJunk a server added\r\n%PDF-1.4\n")
    assert not looks_like_pdf(b" " * 1024 + b"%PDF-1.4")
    assert not looks_like_pdf("\t一、总体情况\n".encode())
    assert not looks_like_pdf(b"")


def test_missing_extra_is_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pdfplumber, reading a PDF is a ParseError that names the extra to install."""
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    with pytest.raises(gx.ParseError, match=r"pip install 'gxschema\[pdf\]'"):
        read_pdf(b"%PDF-1.4\n", source="x.pdf")


def test_oversized_input_is_refused_before_it_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input over the byte limit is refused at once, extra or not."""
    monkeypatch.setattr(_pdf, "MAX_INPUT_BYTES", 1000)
    _refused(b"%PDF-1.4\n" + b"0" * 1000, "over the 1000-byte limit")


# -- the grid convention ----------------------------------------------------------------


@needs_pdfplumber
def test_spans_follow_the_grid_convention() -> None:
    """A merged cell appears once at its first column; covered from above, one continued cell."""
    grid = _read("spans.pdf")
    assert grid.form == "pdf"
    assert [_shape(r) for r in _table_rows(grid)] == [
        ["甲[2x2]", "乙[2x1]"],
        ["^[2x1]", "丙", "丁"],
        ["戊", "第一行\n第二行[1x2]", "1", "2"],
        ["庚", "^", "3", ""],
    ]


@needs_pdfplumber
def test_locations_give_page_table_row_cell_and_line() -> None:
    """Cells say page (1-based), table, row and grid column (0-based); text lines say line."""
    grid = _read("spans.pdf")
    rows = _table_rows(grid)
    assert rows[2].location == Location(page=1, table=0, row=2)
    assert [c.location for c in rows[2].cells] == [
        Location(page=1, table=0, row=2, cell=c) for c in (0, 1, 2, 3)
    ]
    assert rows[3].cells[1].location == Location(page=1, table=0, row=3, cell=1)
    headings = [r for r in grid.rows if r.heading]
    assert [(r.cells[0].text, r.location) for r in headings] == [
        ("标题一行", Location(page=1, line=1)),
        ("表后文字", Location(page=1, line=2)),
    ]


@needs_pdfplumber
def test_text_and_tables_interleave_and_page_numbers_are_left_out() -> None:
    """Text lines before a table come before its rows; a line holding a page number is dropped."""
    grid = _read("spans.pdf")
    kinds = ["H" if r.heading else "T" for r in grid.rows]
    assert kinds == ["H", "T", "T", "T", "T", "H"]
    assert not any(r.heading and "- 1 -" in r.cells[0].text for r in grid.rows)


# -- a generated report: WPS habits, page breaks ----------------------------------------


@needs_pdfplumber
def test_generated_report_maps_every_cell() -> None:
    """The generated two-page report maps to national-2021 with every cell right, no extras."""
    values = json.loads((FIXTURES / "report-2021.json").read_text(encoding="utf-8"))
    report = _map(_read("report-2021.pdf"))
    assert report.template == "national-2021"
    cells = _expected_cells(report, values)
    assert len(cells) == 10 + 175 + 15
    assert [c[:4] for c in cells if not _matches(c[3], c[4])] == []
    assert report.extras == ()
    assert [v for v in gx.validate(report) if v.severity == "error"] == []


@needs_pdfplumber
def test_white_line_backgrounds_are_not_tables() -> None:
    """WPS's white rectangles behind body text lines leave the lines as free text."""
    grid = _read("report-2021.pdf")
    body = [r for r in grid.rows if "依申请公开情况" in r.cells[0].text]
    assert len(body) == 1
    assert body[0].heading
    assert body[0].location == Location(page=1, line=5)


@needs_pdfplumber
def test_table_continued_on_the_next_page_is_one_table() -> None:
    """The repeated header is dropped and the label cut by the break is joined, once."""
    grid = _read("report-2021.pdf")
    rows = _table_rows(grid)
    assert sum(1 for r in rows if "申请人情况" in r.texts) == 1
    cut = next(r for r in rows if "1.本机关不掌握相关政府信息" in r.texts)
    assert _shape(cut)[:3] == ["^", "（四）无\n法提供[1x3]", "1.本机关不掌握相关政府信息"]
    assert cut.cells[1].location == Location(page=1, table=1, row=15, cell=1)
    rest = next(r for r in rows if "2.没有现成信息需要另行制作" in r.texts)
    assert _shape(rest)[:2] == ["^", "^"]
    assert rest.location.page == 2
    assert not any(t == "法提供" for r in rows for t in r.texts)
    # The vertical label covers the 11 rows of page 1 and the 11 of page 2.
    assert next(c for r in rows for c in r.cells if c.text.startswith("三、")).rowspan == 22


@needs_pdfplumber
def test_synthetic_bold_is_read_once() -> None:
    """Characters drawn twice, slightly apart (synthetic bold), are read once."""
    grid = _read("report-2021.pdf")
    assert grid.rows[0].cells[0].text == "示例市人民政府2024年政府信息公开工作年度报告"
    report = _map(grid)
    cell = report.cell("s4", "review", "upheld")
    assert cell is not None
    assert cell.raw == "12"


# -- the golden corpus ---------------------------------------------------------------


@needs_pdfplumber
@pytest.mark.parametrize("name", list(CORPUS_FILES))
def test_corpus_every_cell_matches_the_golden_values(name: str) -> None:
    """Every s2, s3 and s4 cell of each corpus PDF equals its hand-checked value."""
    pdf = need(CORPUS / f"{name}.pdf")
    expected = json.loads(need(CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    report = _map(read_pdf(pdf.read_bytes(), source=pdf.name))
    assert report.template == CORPUS_FILES[name]
    cells = _expected_cells(report, expected)
    rows = len(expected["s3"])
    assert len(cells) == 10 + 7 * rows + 15
    assert [c[:4] for c in cells if not _matches(c[3], c[4])] == []
    assert report.extras == ()


@needs_pdfplumber
@pytest.mark.parametrize("name", list(CORPUS_FILES))
def test_corpus_violations_are_exactly_the_listed_ones(name: str) -> None:
    """validate() finds exactly each corpus file's listed hard-rule violations."""
    pdf = need(CORPUS / f"{name}.pdf")
    expected = json.loads(need(CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    report = _map(read_pdf(pdf.read_bytes(), source=pdf.name))
    found, listed = found_and_listed(report, expected)
    assert found == listed


@needs_pdfplumber
def test_corpus_label_cut_by_a_page_break_is_joined() -> None:
    """淮安市 2024: ``（四）无`` (page 4) and ``法提供`` (page 5) become one label cell."""
    pdf = need(CORPUS / "huaian-2024.pdf")
    grid = read_pdf(pdf.read_bytes(), source=pdf.name)
    labels = [c for r in grid.rows if not r.heading for c in r.cells if "（四）无" in c.text]
    assert [(c.text, c.location.page, c.rowspan) for c in labels] == [("（四）无\n法提供", 4, 3)]
    assert not any(t == "法提供" for r in grid.rows for t in r.texts)


# -- hostile input -------------------------------------------------------------------


@needs_pdfplumber
def test_random_bytes_after_a_pdf_header() -> None:
    """Random bytes behind a %PDF header are a ParseError, fast."""
    _refused(b"%PDF-1.7\n" + random.Random(0).randbytes(20_000), "not a readable PDF")


@needs_pdfplumber
def test_truncated_pdf() -> None:
    """A PDF cut in half is a ParseError, fast."""
    data = (FIXTURES / "report-2021.pdf").read_bytes()
    _refused(data[: len(data) // 2], "not a readable PDF")


@needs_pdfplumber
def test_pdf_without_pages() -> None:
    """A PDF whose page tree is empty is a ParseError."""
    data = _build_pdf([_CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])
    _refused(data, "no pages")


@needs_pdfplumber
def test_too_many_pages() -> None:
    """201 pages are refused before any page is read."""
    _refused((FIXTURES / "many-pages.pdf").read_bytes(), "201 pages, over the 200-page limit")


@needs_pdfplumber
def test_huge_declared_page_count() -> None:
    """A page tree declaring a million pages is refused at once."""
    data = _build_pdf([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>", _PAGE])
    _refused(data, "declares 1000000 pages", seconds=0.5)


@needs_pdfplumber
def test_content_stream_bomb() -> None:
    """A page whose drawing instructions inflate to 40 MB is refused before they are parsed."""
    content = zlib.compress(b"%" + b" " * (40 * 1024 * 1024), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
    data = _build_pdf(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream + content + b"\nendstream",
        ]
    )
    error = _refused(data, "drawing instructions are over")
    assert error.location == Location(page=1)


@needs_pdfplumber
def test_encrypted_pdf() -> None:
    """A PDF that needs a password is a ParseError that says so."""
    _refused((FIXTURES / "encrypted.pdf").read_bytes(), "encrypted")


@needs_pdfplumber
def test_not_a_pdf() -> None:
    """Bytes without a %PDF- header are refused without parsing."""
    _refused("\t一、总体情况\n".encode(), "not a PDF")


@needs_pdfplumber
def test_limits_name_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page over a size limit is a ParseError located at that page."""
    monkeypatch.setattr(_pdf, "MAX_PAGE_GRAPHICS", 5)
    error = _refused((FIXTURES / "report-2021.pdf").read_bytes(), "lines and shapes")
    assert error.location == Location(page=1)


@needs_pdfplumber
def test_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading stops with a ParseError once the time budget is spent."""
    monkeypatch.setattr(_budget, "MAX_PDF_SECONDS", -1.0)
    _refused((FIXTURES / "report-2021.pdf").read_bytes(), "took over")


@needs_pdfplumber
def test_any_failure_inside_a_page_is_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception while reading a page becomes a ParseError naming the page."""

    def boom(*args: object) -> None:
        raise KeyError("x0")

    monkeypatch.setattr(_pdf._Reader, "page_items", boom)
    error = _refused((FIXTURES / "spans.pdf").read_bytes(), "cannot read the page: KeyError")
    assert error.location == Location(page=1)


@needs_pdfplumber
def test_damaged_pdfs_only_raise_parse_error() -> None:
    """Randomly damaged fixtures either read or raise ParseError, each within seconds."""
    sources = [(FIXTURES / n).read_bytes() for n in ("report-2021.pdf", "spans.pdf")]
    rng = random.Random(20261128)
    for _ in range(60):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 12)):
            at = rng.randrange(len(data))
            kind = rng.random()
            if kind < 0.6:
                data[at] = rng.randrange(256)
            elif kind < 0.8:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 16))
        start = time.perf_counter()
        with contextlib.suppress(gx.ParseError):
            read_pdf(bytes(data), source="damaged.pdf")
        assert time.perf_counter() - start < 5
