"""Check pages: building a report's page, and loading a 10⁴-report index in Chromium.

1. ``gx.page`` of the example report (its check and diagnosis done once beforehand), and
   ``gx.page`` of the bare report (checking and diagnosing included), as ratios against
   ``gx.render(report, "html")``, the plain HTML writer over the same layout; with the
   page's weight.
2. An index of 10⁴ rows (the batch size of a corpus) loaded in headless Chromium, from
   ``file://``: the time from navigation to the end of the load event (the index's
   script has then drawn its first 100 rows), as a ratio against a plain static HTML
   table of the same 10⁴ rows with no script; with both pages' weights.  Skipped when
   Chromium, chromedriver or Selenium is missing.

Only ratios compare across runs (the machines are shared and noisy); the index's
absolute load time is printed too, against the issue's budget of 2 s.

Run: python benchmarks/bench_page.py
"""

from __future__ import annotations

import html
import shutil
import statistics
import tempfile
from pathlib import Path

from _timing import median_time

import gxschema as gx
from gxschema._page._index_page import Row, index_html

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lucheng-police-2020.txt"
ROWS = 10_000
VERDICTS = ("ok", "failed", "incomplete", "unreadable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _rows() -> list[Row]:
    return [
        Row(
            file=f"reports/r{i:05d}.pdf",
            href=f"r{i:05d}.pdf.html",
            verdict=VERDICTS[i % 4],
            agency=f"某市某区某局{i % 2000}",
            year=2019 + (i // 2000) % 6,
            template=("national-2019", "national-2021")[i % 2],
            errors=i % 7,
            warnings=i % 3,
            findings=(("C3.balance", i % 2), ("R.section", i % 3)),
            carry=({"total": str(i % 3)}, {"total": str(i % 5)}),
        )
        for i in range(ROWS)
    ]


def _static_table(rows: list[Row]) -> str:
    body = "".join(
        f'<tr><td><a href="{html.escape(r.href)}">{html.escape(r.file)}</a></td><td>{r.verdict}'
        f"</td><td>{html.escape(r.agency or '')}</td><td>{r.year}</td><td>{r.template}</td>"
        f"<td>{r.errors}</td><td>{r.warnings}</td></tr>"
        for r in rows
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>plain</title></head><body>'
        f"<table>{body}</table></body></html>"
    )


def pages() -> None:
    report = gx.read(EXAMPLE)
    result = gx.check(report)
    explanations = gx.diagnose(report, limit=1)
    t_render = median_time(lambda: gx.render(report, "html"), 9, 10)
    t_page = median_time(lambda: gx.page(result, explanations=explanations), 9, 5)
    t_full = median_time(lambda: gx.page(report), 7, 3)
    weight = len(gx.page(result, explanations=explanations).encode("utf-8"))
    print(f"{EXAMPLE.name}: baseline gx.render(report, 'html') {t_render * 1e3:.2f} ms")
    print(f"{'gx.page(result) (checked, diagnosed)':44} {t_page / t_render:8.1f}x")
    print(f"{'gx.page(report) (check + diagnose too)':44} {t_full / t_render:8.1f}x")
    print(f"{'page weight':44} {weight / 1024:8.1f} KB")


def _load_ms(driver: object, path: Path) -> float:
    driver.get(path.as_uri())  # type: ignore[attr-defined]
    return float(
        driver.execute_script(  # type: ignore[attr-defined]
            "var n=performance.getEntriesByType('navigation')[0];return n.loadEventEnd-n.startTime"
        )
    )


def index_load() -> None:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("index load: skipped (selenium is not installed)")
        return
    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver_path is None:
        print("index load: skipped (chromium or chromedriver is not installed)")
        return
    rows = _rows()
    work = Path(tempfile.mkdtemp(prefix="gx-bench-"))
    index = work / "index.html"
    index.write_text(index_html(rows, title="batch", lang="zh", version="bench"), "utf-8")
    plain = work / "plain.html"
    plain.write_text(_static_table(rows), "utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={work / 'profile'}")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        _load_ms(driver, index), _load_ms(driver, plain)  # warm up
        t_index = statistics.median(_load_ms(driver, index) for _ in range(7))
        t_plain = statistics.median(_load_ms(driver, plain) for _ in range(7))
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    print(f"index of {ROWS} rows: baseline plain static table {t_plain:.0f} ms to load")
    print(f"{'index.html load (first 100 rows drawn)':44} {t_index / t_plain:8.2f}x")
    print(f"{'index.html load, absolute (budget 2000 ms)':44} {t_index:8.0f} ms")
    size_index = len(index_html(rows, title="batch", lang="zh", version="bench").encode())
    size_plain = len(_static_table(rows).encode())
    print(f"{'index weight / plain table weight':44} {size_index / size_plain:8.2f}x")


def main() -> None:
    pages()
    index_load()


if __name__ == "__main__":
    main()
