"""Read-and-validate time for an HTML page and a PDF, against named baselines, as ratios.

* HTML: the Word-export-style GB18030 page in ``tests/fixtures/html`` — ours
  (``gx.read`` with template detection over every registered template, then
  ``gx.validate``) against ``pandas.read_html(flavor="bs4")`` (tables only, no labels,
  no checks) and against the bare Lexbor parse (``LexborHTMLParser(bytes)``).  The
  targets: at least 30 times faster than pandas, at most 5 times the Lexbor parse.
  ``gx.read`` and ``gx.validate`` are also timed apart, to show each one's share.
* PDF: a corpus report when ``../shared`` is present, else the LibreOffice fixture —
  ours against pdfplumber's own ``extract_tables()`` on every page.

The HTML sides are timed in interleaved rounds (ours, the template given, pandas and
Lexbor one after the other, round after round) and compared by their medians, so the
machine's load weighs on every side alike.  Wall-clock ratios still move with the load;
the script prints how to count instructions with callgrind instead, which do not.

The baselines need pandas, beautifulsoup4 and html5lib (not dependencies of gxschema):
``pip install -e '.[bench]'`` installs them, and pydantic for ``bench_json.py``.
Run: python benchmarks/bench_forms.py
"""

from __future__ import annotations

import gc
import io
import re
import statistics
import sys
import time
from collections.abc import Callable
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


ROUNDS = 25
CALLGRIND = """Wall-clock ratios move with the machine's load; instruction counts do not.  To
count them (valgrind installed), run each side alone under callgrind and compare the
"Collected" totals of N and 0 calls:
  valgrind --tool=callgrind --callgrind-out-file=/dev/null python benchmarks/bench_forms.py \\
      --alone ours N        (and: --alone lexbor N, --alone ours 0, --alone lexbor 0)
(ours_N - ours_0) / (lexbor_N - lexbor_0) is the read + validate / Lexbor ratio.
--alone grid N times the HTML reader alone (bytes to grid, no mapping or checks)."""


def interleaved(sides: list[tuple[str, Callable[[], object]]], rounds: int) -> dict[str, float]:
    """Median seconds per call of each side, timed in alternating rounds.

    Each round times every side once, one after the other, so a change in the machine's
    load hits every side alike; the garbage collector is paused as timeit pauses it.
    """
    for _, fn in sides:
        fn()
    times: dict[str, list[float]] = {name: [] for name, _ in sides}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, fn in sides:
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    finally:
        gc.enable()
    return {name: statistics.median(ts) for name, ts in times.items()}


def alone(which: str, n: int) -> None:
    """Run one side ``n`` times after two warm-up calls (for callgrind, see CALLGRIND).

    ``which`` is ``ours`` (read + validate), ``grid`` (the HTML reader alone: bytes to
    grid) or ``lexbor`` (the bare parse).
    """
    data = HTML.read_bytes()
    if which == "ours":
        fn: Callable[[], object] = lambda: gx.validate(gx.read(data))  # noqa: E731
    elif which == "grid":
        from gxschema._readers._html import read_html

        fn = lambda: read_html(data)  # noqa: E731
    else:
        from selectolax.lexbor import LexborHTMLParser

        fn = lambda: LexborHTMLParser(data)  # noqa: E731
    for _ in range(n + 2):
        fn()


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
    sides: list[tuple[str, Callable[[], object]]] = [
        ("gx.read + validate (detect)", ours_html),
        ("gx.read + validate (template given)", ours_html_known),
        ("gx.read (detect)", read_only),
        ("gx.validate", validate_only),
        ("bare Lexbor parse", bare),
    ]
    try:
        import pandas as pd

        # pandas cannot parse the page's lenient spans ("2;"), which browsers accept: it
        # gets a copy with them tidied, decoded for it (its bytes path mis-detects GBK).
        text = re.sub(r'(span=")(\d+)[^"]*"', r'\1\2"', data.decode("gb18030"))

        def pandas_bs4() -> object:
            return pd.read_html(io.StringIO(text), flavor="bs4")

        sides.append(("pandas.read_html (bs4)", pandas_bs4))
    except ImportError:
        print("pandas/bs4/html5lib not installed (pip install 'gxschema[bench]'): skipped")
    t = interleaved(sides, ROUNDS)
    if "pandas.read_html (bs4)" in t:
        t_pandas = t["pandas.read_html (bs4)"]
        for name in ("gx.read + validate (detect)", "gx.read + validate (template given)"):
            speedup(name, t[name], "pandas.read_html (bs4)", t_pandas, 30)
    t_bare = t["bare Lexbor parse"]
    for name in ("gx.read + validate (detect)", "gx.read + validate (template given)"):
        within(name, t[name], "bare Lexbor parse", t_bare, 5)
    row("  of which gx.read (detect)", t["gx.read (detect)"], "bare Lexbor parse", t_bare)
    row("  of which gx.validate", t["gx.validate"], "bare Lexbor parse", t_bare)
    print(CALLGRIND)

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
    if sys.argv[1:2] == ["--alone"]:
        alone(sys.argv[2], int(sys.argv[3]))
    else:
        main()
