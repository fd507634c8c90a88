"""PDFs printed by a browser, as agencies make them: generated reports, ruled and unruled.

Each generated report is written as HTML, printed to PDF by headless Chromium (the
WebDriver print command: the browser's own layout, fonts and text runs, not ours), once
with the table's ruling lines and once with every border removed, and read back.  The
ruled print is read through its grid; the unruled one has no lines at all, so its
cells are found by aligning pdfplumber's words with the declaration.  Every cell read
must be the report's; every cell not read must be named in ``Report.ambiguities``.

Needs Chromium and chromedriver (as the other browser tests) and a font with Chinese
glyphs (Debian: ``fonts-wqy-microhei``; ``.ci/run`` installs it): without one the
browser prints empty boxes and there is nothing to read.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
from typing import Any

import pytest
from benchmarks._draw import drawn

import gxschema as gx
from gxschema.strategies import broken_reports, reports
from tests.browser import browser

pdfplumber = pytest.importorskip("pdfplumber")

__all__ = ["browser"]

PER_TEMPLATE = 6
"""Reports printed per national template and per style (consistent and broken)."""
UNRULED = "<style>table,th,td{border:none !important}</style>"


def _cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.fixture(scope="module")
def printer(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Print an HTML text to PDF bytes in the browser."""
    if not _cjk_font():
        reason = "no font with Chinese glyphs (apt-get install fonts-wqy-microhei)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the printed PDFs must be read)")
        pytest.skip(reason)
    from selenium.webdriver.common.print_page_options import PrintOptions

    folder = tmp_path_factory.mktemp("printed")
    count = [0]

    def print_pdf(html: str) -> bytes:
        count[0] += 1
        page = folder / f"{count[0]}.html"
        page.write_text(html, encoding="utf-8")
        browser.get(page.resolve().as_uri())
        return base64.b64decode(browser.print_page(PrintOptions()))

    return print_pdf


def _drawn(template: str) -> list[gx.Report]:
    good = drawn(reports(template), PER_TEMPLATE)
    bad = [b.report for b in drawn(broken_reports(template), PER_TEMPLATE // 2)]
    return good + bad


def _html(report: gx.Report, *, ruled: bool) -> str:
    text = gx.render(report, "html")
    html = text if isinstance(text, str) else text.decode("utf-8")
    return html if ruled else html.replace("</head>", UNRULED + "</head>", 1)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize("template", ["national-2019", "national-2021"])
def test_browser_printed_pdfs_read_right_or_name_their_doubts(
    printer: Any, template: str, ruled: bool
) -> None:
    """No wrong value; every cell either read exactly or named as ambiguous."""
    exact = 0
    drawn_reports = _drawn(template)
    assert len(drawn_reports) == PER_TEMPLATE + PER_TEMPLATE // 2
    for report in drawn_reports:
        data = printer(_html(report, ruled=ruled))
        assert data.startswith(b"%PDF")
        if not ruled:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                assert not any(p.lines or p.rects for p in pdf.pages), "the print has rules"
        got = gx.read(data)
        assert got.template == template
        named = {(a.table, *cell) for a in got.ambiguities for cell in a.cells}
        wrong, unread = [], []
        for table, line, column, cell in report.cells():
            read = got.cell(table, line, column)
            if read is None:
                unread.append((table, line, column))
            elif read.value != cell.value or read.is_blank != cell.is_blank:
                wrong.append((table, line, column, cell.raw, read.raw))
        assert wrong == []
        assert set(unread) <= named
        exact += not unread
    # Printed words keep their cells apart: nothing should be left open.
    assert exact == len(drawn_reports)


def test_the_command_line_keeps_pdfminer_quiet(printer: Any, tmp_path: Any) -> None:
    """A browser's PDF makes pdfminer warn about its fonts; ``check`` prints only its own.

    Run as a process of its own: pytest's log capture would hide what a user sees.
    """
    import sys

    [report] = drawn(reports("national-2021"), 1)
    path = tmp_path / "printed.pdf"
    path.write_bytes(printer(_html(report, ruled=False)))
    done = subprocess.run(
        [sys.executable, "-m", "gxschema", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    assert "national-2021" in done.stdout
    assert "FontBBox" not in done.stderr
