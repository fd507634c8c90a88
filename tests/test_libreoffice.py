"""Reports written by our HTML writer and converted by LibreOffice read back exactly.

The fixtures (``tests/fixtures/libreoffice/``, made by ``make.py`` and
``make_narrow.py`` there) are what a Word user's export looks like to the readers:
LibreOffice rewrites the tables its own way (.docx with ``gridSpan``/``vMerge``, a PDF
whose section 三 table breaks across pages, and a PDF whose columns are too narrow for
their numbers, which wrap inside the cells).
"""

from __future__ import annotations

import json

import pytest

import gxschema as gx
from tests.conftest import ROOT

HERE = ROOT / "tests" / "fixtures" / "libreoffice"
EXPECTED = json.loads((HERE / "national-2021.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("form", ["html", "docx", "pdf"])
def test_libreoffice_conversions_read_back_exactly(form: str) -> None:
    """Every cell of LibreOffice's .docx and .pdf, and of the HTML, is read as written."""
    if form == "pdf":
        pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    report = gx.read(HERE / f"national-2021.{form}")
    assert report.template == "national-2021"
    got = {f"{t}/{ln}/{c}": cell.raw.strip() for t, ln, c, cell in report.cells()}
    assert got == EXPECTED
    assert report.extras == ()
    assert gx.detect_form((HERE / f"national-2021.{form}").read_bytes()) == form


def test_the_pdf_table_breaks_across_pages() -> None:
    """The PDF fixture really continues section 三 on a second page (what the test exercises)."""
    pdfplumber = pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    s3 = gx.templates.get("national-2021").table("s3")
    first, last = s3.lines[0].label, s3.lines[-1].label
    with pdfplumber.open(HERE / "national-2021.pdf") as pdf:
        texts = [(page.extract_text() or "").replace(" ", "") for page in pdf.pages]
    starts = next(i for i, t in enumerate(texts) if first in t)
    ends = next(i for i, t in enumerate(texts) if last in t)
    assert ends > starts


def test_numbers_wrapped_in_narrow_cells_read_exactly() -> None:
    """Numbers wrapped over lines of a narrow cell are joined back, and say so.

    LibreOffice prints five- and six-digit numbers over several lines of a narrow
    cell (``881`` / ``09``); the table is read exactly.
    """
    pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    expected = json.loads((HERE / "narrow-2021.json").read_text(encoding="utf-8"))
    report = gx.read(HERE / "narrow-2021.pdf")
    assert report.template == "national-2021"
    got = {f"{t}/{ln}/{c}": cell for t, ln, c, cell in report.cells()}
    assert set(got) == set(expected)
    for key, raw in expected.items():
        value = got[key].value
        assert isinstance(value, gx.Number), key
        assert str(value.value) == raw, key
    wrapped = [c for c in got.values() if "\n" in c.raw]
    assert len(wrapped) > 150
    assert all(c.how == "joined" for c in wrapped)
    assert report.extras == ()


def test_the_narrow_pdf_really_wraps_its_numbers() -> None:
    """The narrow fixture's cells hold digits broken over lines (what the test exercises)."""
    pdfplumber = pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    with pdfplumber.open(HERE / "narrow-2021.pdf") as pdf:
        cells = [c for p in pdf.pages for t in p.extract_tables() for r in t for c in r if c]
    assert any(c.replace("\n", "").isdigit() and "\n" in c for c in cells)


def test_a_pdf_without_ruling_lines_is_read_by_aligning_its_text() -> None:
    """No ruled table in the PDF: its text is aligned with the declaration, exactly."""
    pdfplumber = pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    with pdfplumber.open(HERE / "unruled-2021.pdf") as pdf:
        assert not any(page.lines or page.rects for page in pdf.pages)
    report = gx.read(HERE / "unruled-2021.pdf")
    assert report.template == "national-2021"
    got = {f"{t}/{ln}/{c}": cell.raw.strip() for t, ln, c, cell in report.cells()}
    assert got == EXPECTED
    assert {cell.how for _, _, _, cell in report.cells()} <= {"label", "order"}
    assert report.ambiguities == ()
