"""Read-and-validate time for an HTML page and a PDF, against named baselines, as ratios.

* HTML: the Word-export-style GB18030 page in ``tests/fixtures/html`` — ours
  (``gx.read`` with template detection over every registered template, then
  ``gx.validate``) against ``pandas.read_html(flavor="bs4")`` (tables only, no labels,
  no checks) and against the bare Lexbor parse (``LexborHTMLParser(bytes)``).  The
  targets: at least 30 times faster than pandas, at most 5 times the Lexbor parse.
  ``gx.read`` and ``gx.validate`` are also timed apart, to show each one's share.
* PDF: a corpus report when ``../shared`` is present, else the LibreOffice fixture —
  ours against pdfplumber's own ``extract_tables()`` on every page.

The baselines need pandas, beautifulsoup4 and html5lib (not dependencies of gxschema).
Run: python benchmarks/bench_forms.py
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from _timing import median_time

import gxschema as gx

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "tests" / "fixtures" / "html" / "national-2019-gb18030.html"
CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "huaian-2024.pdf"
FIXTURE_PDF = ROOT / "tests" / "fixtures" / "libreoffice" / "national-2021.pdf"


def row(name: str, ours: float, base_name: str, base: float) -> None:
    """Print one comparison: our time, the baseline's, and the ratio ours / baseline."""
    print(
        f"{name:36} {ours * 1e3:9.2f} ms   {base_name:26} {base * 1e3:9.2f} ms"
        f"   ratio {ours / base:6.2f}"
    )


def speedup(name: str, ours: float, base_name: str, base: float, target: float) -> None:
    """Print how many times faster than the baseline ours is, against a target."""
    verdict = "met" if base / ours >= target else "NOT met"
    print(
        f"{name:36} {ours * 1e3:9.2f} ms   {base_name:26} {base * 1e3:9.2f} ms"
        f"   {base / ours:6.1f}x faster (target >= {target:g}x: {verdict})"
    )


def within(name: str, ours: float, base_name: str, base: float, target: float) -> None:
    """Print ours as a multiple of the baseline, against a ceiling."""
    verdict = "met" if ours / base <= target else "NOT met"
    print(
        f"{name:36} {ours * 1e3:9.2f} ms   {base_name:26} {base * 1e3:9.2f} ms"
        f"   ratio {ours / base:6.2f} (target <= {target:g}: {verdict})"
    )


def main() -> None:
    data = HTML.read_bytes()

    def ours_html() -> object:
        return gx.validate(gx.read(data))

    spec = gx.templates.get("national-2019")

    def ours_html_known() -> object:
        return gx.validate(gx.read(data, template=spec))

    from selectolax.lexbor import LexborHTMLParser

    def bare() -> object:
        return LexborHTMLParser(data)

    report = gx.read(data)

    def read_only() -> object:
        return gx.read(data)

    def validate_only() -> object:
        return gx.validate(report)

    print(f"HTML: {HTML.name} ({len(data) // 1024} KB)")
    t_ours, t_known, t_bare = (
        median_time(ours_html, 15, 5),
        median_time(ours_html_known, 15, 5),
        median_time(bare, 15, 5),
    )
    t_read, t_validate = median_time(read_only, 15, 5), median_time(validate_only, 15, 5)
    try:
        import pandas as pd

        # pandas cannot parse the page's lenient spans ("2;"), which browsers accept: it
        # gets a copy with them tidied, decoded for it (its bytes path mis-detects GBK).
        text = re.sub(r'(span=")(\d+)[^"]*"', r'\1\2"', data.decode("gb18030"))

        def pandas_bs4() -> object:
            return pd.read_html(io.StringIO(text), flavor="bs4")

        t_pandas = median_time(pandas_bs4, repeat=5, number=1)
        speedup("gx.read + validate (detect)", t_ours, "pandas.read_html (bs4)", t_pandas, 30)
        speedup(
            "gx.read + validate (template given)", t_known, "pandas.read_html (bs4)", t_pandas, 30
        )
    except ImportError:
        print("pandas/bs4/html5lib not installed: pandas baseline skipped")
    within("gx.read + validate (detect)", t_ours, "bare Lexbor parse", t_bare, 5)
    within("gx.read + validate (template given)", t_known, "bare Lexbor parse", t_bare, 5)
    row("  of which gx.read (detect)", t_read, "bare Lexbor parse", t_bare)
    row("  of which gx.validate", t_validate, "bare Lexbor parse", t_bare)

    pdf = CORPUS_PDF if CORPUS_PDF.exists() else FIXTURE_PDF
    pdf_data = pdf.read_bytes()
    import pdfplumber

    def ours_pdf() -> object:
        return gx.validate(gx.read(pdf_data))

    def plumber() -> object:
        with pdfplumber.open(io.BytesIO(pdf_data)) as doc:
            return [page.extract_tables() for page in doc.pages]

    print(f"PDF: {pdf.name} ({len(pdf_data) // 1024} KB)")
    row(
        "gx.read + validate (detect)",
        median_time(ours_pdf, 5, 1),
        "pdfplumber extract_tables",
        median_time(plumber, 5, 1),
    )


if __name__ == "__main__":
    main()
