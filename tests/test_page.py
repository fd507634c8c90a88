"""Check pages (gx.page, gx.index_page, `gxschema report`): their markup, and in a real browser."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

import gxschema as gx
from gxschema._page._index_page import Row, index_html
from gxschema._page._series import agency_key, carry_of, series_breaks
from gxschema.cli import main as cli
from tests.browser import browser, console_errors, open_page, screenshot
from tests.conftest import CORPUS, ROOT, need

__all__ = ["browser"]  # the fixture, used by name

Key = tuple[str, str, str]
DOCS_SHOT = ROOT / "docs" / "images" / "check-page-seed.png"
UPDATE_DOCS = "GXSCHEMA_UPDATE_SCREENSHOTS"
"""Set to 1 to write the docs' screenshot of the seed's page from the browser test."""


# -- helpers ---------------------------------------------------------------------------


def _cells(html: str, cls: str) -> set[Key]:
    tree = HTMLParser(html)
    return {
        (n.attributes["data-table"], n.attributes["data-line"], n.attributes["data-column"])
        for n in tree.css(f"td.{cls}")
    }


def _finding_cells(result: gx.CheckResult, rules: set[str] | None = None) -> set[Key]:
    """The cells of the failing error-severity rule findings (of ``rules``, if given)."""
    return {
        (f.table, c.line_id, c.column_id)
        for f in result.findings
        if f.severity == "error" and f.status == "fail" and f.table
        if rules is None or f.id in rules
        for c in f.cells
    }


@pytest.fixture(scope="module")
def seed() -> gx.CheckResult:
    from tests.conftest import SEED

    return gx.check(gx.read(need(SEED)))


@pytest.fixture(scope="module")
def hzq_2023() -> gx.CheckResult:
    return gx.check(gx.read(need(CORPUS / "hzq-2023.pdf")))


@pytest.fixture(scope="module")
def incomplete_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real report (hzq-2024) written back with its 行政复议 总计 blank: incomplete."""
    report = gx.read(need(CORPUS / "hzq-2024.pdf"))
    tables = {
        t: {ln: dict(cells) for ln, cells in lines.items()} for t, lines in report.tables.items()
    }
    tables["s4"]["review"]["total"] = gx.Cell()
    path = tmp_path_factory.mktemp("incomplete") / "hzq-2024-blank.txt"
    path.write_text(gx.render(attrs.evolve(report, tables=tables), "text"), encoding="utf-8")
    return path


# -- the markup --------------------------------------------------------------------------


def test_every_value_cell_names_its_cell_and_printed_text(seed: gx.CheckResult) -> None:
    """Every declared cell is one <td> with its ids; data-raw is the text as printed."""
    html = gx.page(seed)
    tree = HTMLParser(html)
    spec = seed.report.spec
    assert spec is not None
    tds = tree.css("td[data-table]")
    found = {
        (n.attributes["data-table"], n.attributes["data-line"], n.attributes["data-column"]): n
        for n in tds
    }
    declared = {(t.id, ln.id, c.id) for t in spec.tables for ln in t.lines for c in t.columns}
    assert set(found) == declared
    assert len(tds) == len(declared)
    for table, line, column, cell in seed.report.cells():
        node = found[table, line, column]
        assert node.attributes["data-raw"] == cell.raw


def test_seed_marks_the_failing_rules_and_the_fix(seed: gx.CheckResult) -> None:
    """gx-fail: C3.balance, C3.results_total in 自然人 and 总计; gx-fix: （七）总计 0 → 2."""
    html = gx.page(seed)
    failing = _cells(html, "gx-fail")
    assert failing == _finding_cells(seed)
    assert failing == _finding_cells(seed, {"C3.balance", "C3.results_total"})
    assert {c for _, _, c in failing} == {"natural_person", "total"}
    assert ("s3", "r7_total", "natural_person") in failing
    fixed = _cells(html, "gx-fix")
    assert fixed == {("s3", "r7_total", "natural_person"), ("s3", "r7_total", "total")}
    for node in HTMLParser(html).css("td.gx-fix"):
        assert node.text(deep=True) == "0 → 2"


def test_a_page_needs_no_network_and_is_light(seed: gx.CheckResult) -> None:
    """No external script, style, font or image; a typical page weighs at most 200 KB."""
    html = gx.page(seed)
    assert len(html.encode("utf-8")) <= 200 * 1024
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html
    assert not re.search(r"url\((?!#)", html)
    tree = HTMLParser(html)
    assert tree.css("link") == []
    assert all("src" not in s.attributes for s in tree.css("script"))


def test_the_page_states_verdict_metadata_claims_and_provenance(seed: gx.CheckResult) -> None:
    """Verdict, agency, year, template, claims and sentences, sha256, how tables were read."""
    source = seed.report.source
    assert source is not None
    html = gx.page(seed)
    tree = HTMLParser(html)
    verdict = tree.css_first("[data-verdict]")
    assert verdict is not None
    assert verdict.attributes["data-verdict"] == "failed"
    meta = tree.css_first(".gx-meta")
    assert meta is not None
    assert seed.metadata.agency
    assert seed.metadata.agency in meta.text()
    assert str(seed.metadata.year) in meta.text()
    assert seed.template in meta.text()
    claims = {n.attributes["data-claim"] for n in tree.css("[data-claim]")}
    assert claims == {c.claim for c in gx.check_claims(seed.report)}
    handled = tree.css_first('[data-claim="T.handled"] mark')
    assert handled is not None
    assert "2件" in handled.text()
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    footer = tree.css_first("footer")
    assert footer is not None
    assert digest in footer.text()
    assert gx.__version__ in footer.text()
    for d in seed.report.detection:
        assert d.reason in footer.text()
    assert [n.attributes["data-finding"] for n in tree.css("#gx-completeness [data-finding]")] == [
        f.id for f in seed.of_kind("completeness")
    ]


def test_an_unreadable_file_gets_a_page_and_a_row(tmp_path: Path) -> None:
    """A file that cannot be read: a page with verdict unreadable and the message; a row too."""
    bad = tmp_path / "notes.txt"
    bad.write_text("no table here\n", encoding="utf-8")
    with pytest.raises(gx.ParseError) as caught:
        gx.read(bad)
    html = gx.page(caught.value)
    tree = HTMLParser(html)
    verdict = tree.css_first("[data-verdict]")
    assert verdict is not None
    assert verdict.attributes["data-verdict"] == "unreadable"
    assert caught.value.message in html
    assert hashlib.sha256(bad.read_bytes()).hexdigest() in html
    index = gx.index_page([caught.value])
    assert '"unreadable"' in index
    assert "notes.txt.html" in index


def test_a_folder_walk_leaves_out_folder_documents(tmp_path: Path) -> None:
    """In a directory, README.md and LICENSE.txt are not reports; a named one is tried."""
    from gxschema._page import files_of

    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.html", "README.md", "LICENSE.txt", "sub/notes.py"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = {p.relative_to(tmp_path).as_posix() for p in files_of([tmp_path])}
    assert found == {"a.txt", "sub/b.html"}
    assert list(files_of([tmp_path / "README.md"])) == [tmp_path / "README.md"]


def test_page_refuses_an_unknown_language(seed: gx.CheckResult) -> None:
    """Lang is zh or en."""
    with pytest.raises(ValueError, match="lang"):
        gx.page(seed, lang="fr")


def test_report_command_writes_pages_and_index(tmp_path: Path, incomplete_file: Path) -> None:
    """`gxschema report` writes a page per file and index.html; exit code is the worst verdict."""
    from tests.conftest import SEED

    bad = tmp_path / "empty.txt"
    bad.write_text("nothing\n", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["report", str(incomplete_file), "-o", str(out)])
    assert result.exit_code == 3, result.output
    result = runner.invoke(
        cli, ["report", str(need(SEED)), str(incomplete_file), str(bad), "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["index.html", f"{SEED.name}.html", "hzq-2024-blank.txt.html", "empty.txt.html"]
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in names:
        if name != "index.html":
            assert f'"{name}"' in index
    assert "error:" in result.output  # the unreadable file is named on stderr


def _exact(**values: int | None) -> dict[str, tuple[int, int] | None]:
    return {c: None if v is None else (v, 0) for c, v in values.items()}


def test_series_breaks_follow_the_carry_rule() -> None:
    """A series breaks where year Y's carried-out differs from Y+1's carried-in, per column."""
    a = (_exact(total=3, other=1), _exact(total=0, other=0))
    b = (_exact(total=5, other=0), _exact(total=3, other=1))
    c = (_exact(total=0, other=0), _exact(total=4, other=None))
    rows = [("某局", 2020, a), ("某 局", 2021, b), ("（某局）", 2022, c), ("他局", 2021, b)]
    [series] = series_breaks(rows)
    assert agency_key("某 局（试点）") == agency_key("某局试点")
    assert series.agency == "某局"
    assert series.pairs == ((2020, ()), (2021, ("total",)))
    assert series.broken == 1


def test_series_breaks_group_agencies_and_years() -> None:
    """Names differing only in spaces and brackets are one series; undecidable pairs say so."""
    carried = (_exact(total=3), _exact(total=9))
    takes = (_exact(total=1), _exact(total=3))
    blank = (_exact(total=2), _exact(total=None))
    rows = [("甲局", 2020, carried), ("甲 局", 2021, takes), ("(甲局)", 2022, blank)]
    [series] = series_breaks(rows)
    assert series.pairs == ((2020, ()), (2021, None))
    assert series.broken == 0
    broken = [
        ("乙局", 2020, (_exact(total=3), _exact(total=0))),
        ("乙局", 2021, (_exact(total=0), _exact(total=2))),
    ]
    [other] = series_breaks(broken)
    assert other.pairs == ((2020, ("total",)),)
    assert other.broken == 1


def test_series_breaks_are_the_batch_rule_with_tolerance() -> None:
    """An approximate value is compared within its tolerance, as the batch's X.carry does."""
    about = ({"total": (190000, 5000)}, _exact(total=0))
    near = (_exact(total=0), _exact(total=192000))
    far = (_exact(total=0), _exact(total=196000))
    [series] = series_breaks([("丙局", 2020, about), ("丙局", 2021, near)])
    assert series.pairs == ((2020, ()),)
    [series] = series_breaks([("丙局", 2020, about), ("丙局", 2021, far)])
    assert series.pairs == ((2020, ("total",)),)


def test_series_of_the_corpus_carries_from_2023_to_2024(hzq_2023: gx.CheckResult) -> None:
    """洪泽区 2023's carried-out applications are 2024's carried-in (all 0): no break."""
    hzq_2024 = gx.check(gx.read(need(CORPUS / "hzq-2024.pdf")))
    carried = carry_of(hzq_2023.report)
    assert carried is not None
    assert set(carried[0]) == {c.id for c in gx.templates.get("national-2021").table("s3").columns}
    rows = [("洪泽区", r.metadata.year, carry_of(r.report)) for r in (hzq_2023, hzq_2024)]
    [series] = series_breaks(rows)
    assert series.pairs == ((2023, ()),)
    # In the index, once both name the same agency: one series, drawn, with no break.
    same = attrs.evolve(hzq_2024, metadata=gx.Metadata(agency="洪泽区人民政府", year=2024))
    html = gx.index_page([hzq_2023, same])
    chart = HTMLParser(html).css_first('svg[data-chart="series"]')
    assert chart is not None
    assert "✔" in chart.text()
    assert "✘" not in chart.text()


def test_index_counts_and_charts(seed: gx.CheckResult) -> None:
    """The index states the verdict counts and draws its three charts as inline SVG."""
    html = gx.index_page([seed, gx.ParseError("no table", source="x.txt")])
    tree = HTMLParser(html)
    counts = {
        n.attributes["data-verdict-count"]: n.text() for n in tree.css("[data-verdict-count]")
    }
    assert counts == {"ok": "0", "failed": "1", "incomplete": "0", "unreadable": "1"}
    charts = {n.attributes["data-chart"] for n in tree.css("svg[data-chart]")}
    assert charts == {"rules", "years"}  # no series of consecutive years: a note, no chart
    rules = tree.css_first('svg[data-chart="rules"]')
    assert rules is not None
    assert "C3.balance" in rules.text()


# -- in the browser ------------------------------------------------------------------------


def _look(driver: Any, path: Path, name: str) -> dict[str, Any]:
    """Open a page, click its first marked cell, switch the language; what was seen."""
    from selenium.webdriver.common.by import By

    open_page(driver, path)
    seen: dict[str, Any] = {}
    seen["fail"] = _dom_cells(driver, "gx-fail")
    seen["fix"] = {
        k: td.text
        for td in driver.find_elements(By.CSS_SELECTOR, "td.gx-fix")
        for k in [_key_of(td)]
    }
    seen["uncertain"] = _dom_cells(driver, "gx-uncertain")
    messages = driver.find_element(By.ID, "gx-completeness")
    rules = driver.find_element(By.ID, "gx-rules")
    seen["zh"] = messages.text + rules.text
    first = driver.find_elements(By.CSS_SELECTOR, "td.gx-fix") or driver.find_elements(
        By.CSS_SELECTOR, "td.gx-fail, td.gx-uncertain"
    )
    if first:
        driver.execute_script("arguments[0].scrollIntoView({block:'center'})", first[0])
        first[0].click()
        seen["detail_zh"] = driver.find_element(By.ID, "gx-detail").text
    driver.find_element(By.CSS_SELECTOR, "[data-set-lang=en]").click()
    seen["en"] = messages.text + rules.text
    seen["lang"] = driver.execute_script("return document.documentElement.lang")
    if first:
        seen["detail_en"] = driver.find_element(By.ID, "gx-detail").text
        driver.execute_script("arguments[0].scrollIntoView({block:'center'})", first[0])
    seen["shot"] = screenshot(driver, name)
    seen["errors"] = console_errors(driver)
    return seen


def _key_of(td: Any) -> Key:
    return (
        td.get_attribute("data-table"),
        td.get_attribute("data-line"),
        td.get_attribute("data-column"),
    )


def _dom_cells(driver: Any, cls: str) -> set[Key]:
    from selenium.webdriver.common.by import By

    return {_key_of(td) for td in driver.find_elements(By.CSS_SELECTOR, f"td.{cls}")}


def _messages_switch(seen: dict[str, Any], result: gx.CheckResult) -> None:
    for f in result.findings:
        if f.kind == "claim":
            continue
        assert f.message_zh in seen["zh"]
        assert f.message_en in seen["en"]
        assert f.message_en not in seen["zh"]
    assert seen["lang"] == "en"
    if "detail_zh" in seen:
        assert seen["detail_zh"] != seen["detail_en"]


def test_seed_page_in_the_browser(browser: Any, seed: gx.CheckResult, tmp_path: Path) -> None:
    """The seed's page in Chromium: the marked cells, 0 → 2, no console error, zh/en, screenshot."""
    path = tmp_path / "seed.html"
    path.write_text(gx.page(seed), encoding="utf-8")
    seen = _look(browser, path, "seed-page")
    assert seen["errors"] == []
    assert seen["fail"] == _finding_cells(seed, {"C3.balance", "C3.results_total"})
    assert {c for _, _, c in seen["fail"]} == {"natural_person", "total"}
    assert seen["fix"] == {
        ("s3", "r7_total", "natural_person"): "0 → 2",
        ("s3", "r7_total", "total"): "0 → 2",
    }
    _messages_switch(seen, seed)
    assert "C3.balance" in seen["detail_en"]
    assert "0 → 2" in seen["detail_en"]
    assert seen["shot"].stat().st_size > 10_000
    if os.environ.get(UPDATE_DOCS):
        # Named by its file name alone, so that the picture shows no machine's folders.
        source = Path(str(seed.report.source))
        named = attrs.evolve(seed.report, source=source.name)
        docs = tmp_path / "docs.html"
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        docs.write_text(gx.page(named, sha256=digest), encoding="utf-8")
        _docs_screenshot(browser, docs)


def _docs_screenshot(driver: Any, path: Path) -> None:
    """The docs' picture: the seed's section 三 with the （七）总计 cell's findings open."""
    from selenium.webdriver.common.by import By

    open_page(driver, path)
    driver.set_window_size(1600, 900)
    table = driver.find_element(By.CSS_SELECTOR, 'table[data-table="s3"]')
    driver.execute_script("arguments[0].scrollIntoView({block:'start'})", table)
    cell = driver.find_element(By.CSS_SELECTOR, 'td.gx-fix[data-column="total"]')
    driver.execute_script("arguments[0].focus({preventScroll:true})", cell)
    shot = screenshot(driver, "docs-check-page-seed")
    DOCS_SHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, DOCS_SHOT)
    driver.set_window_size(1280, 1000)


def test_hzq_2023_page_in_the_browser(
    browser: Any, hzq_2023: gx.CheckResult, tmp_path: Path
) -> None:
    """hzq-2023 in Chromium: section 四's review and suit_after_review totals, 0 → 11 and 0 → 5."""
    path = tmp_path / "hzq-2023.html"
    html = gx.page(hzq_2023)
    assert len(html.encode("utf-8")) <= 200 * 1024
    path.write_text(html, encoding="utf-8")
    seen = _look(browser, path, "hzq-2023-page")
    assert seen["errors"] == []
    assert seen["fail"] == _finding_cells(hzq_2023)
    assert {(t, ln) for t, ln, _ in seen["fail"]} == {("s4", "review"), ("s4", "suit_after_review")}
    assert seen["fix"] == {
        ("s4", "review", "total"): "0 → 11",
        ("s4", "suit_after_review", "total"): "0 → 5",
    }
    _messages_switch(seen, hzq_2023)


def test_incomplete_page_in_the_browser(
    browser: Any, incomplete_file: Path, tmp_path: Path
) -> None:
    """An incomplete report, written by `gxschema report`: its blank cell's rule is undecided."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", str(incomplete_file), "-o", str(out)])
    assert result.exit_code == 3, result.output
    checked = gx.check(gx.read(incomplete_file))
    assert checked.verdict == "incomplete"
    seen = _look(browser, out / f"{incomplete_file.name}.html", "incomplete-page")
    assert seen["errors"] == []
    assert seen["fail"] == set()
    assert seen["uncertain"] == {
        ("s4", c.line_id, c.column_id) for f in checked.of_kind("rule") for c in f.cells
    }
    assert ("s4", "review", "total") in seen["uncertain"]
    assert (
        browser.find_element("css selector", "[data-verdict]").get_attribute("data-verdict")
        == "incomplete"
    )
    _messages_switch(seen, checked)


def test_index_of_ten_thousand_reports_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """10⁴ rows: 100 shown at a time; filter, sort and paging work; no console error."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    verdicts = ("ok", "failed", "incomplete", "unreadable")
    rows = [
        Row(
            file=f"r{i:05d}.txt",
            href=f"r{i:05d}.txt.html",
            verdict=verdicts[i % 4],
            agency=f"机关{i % 500}",
            year=2019 + (i // 500) % 6,
            template="national-2021",
            errors=i % 7,
            warnings=i % 3,
            findings=(("C3.balance", i % 2),),
            carry=({"total": (i % 3, 0)}, {"total": (i % 5, 0)}),
        )
        for i in range(10_000)
    ]
    path = tmp_path / "index.html"
    path.write_text(index_html(rows, title="batch", lang="zh", version="test"), encoding="utf-8")
    open_page(browser, path)
    body = browser.find_element(By.ID, "gx-body")
    assert len(body.find_elements(By.TAG_NAME, "tr")) == 100
    assert browser.find_element(By.ID, "gx-count").text == "10000"
    Select(browser.find_element(By.ID, "gx-fv")).select_by_value("failed")
    assert browser.find_element(By.ID, "gx-count").text == "2500"
    browser.find_element(By.ID, "gx-q").send_keys("r0000")
    assert browser.find_element(By.ID, "gx-count").text == "3"  # r00001 r00005 r00009
    browser.find_element(By.ID, "gx-q").send_keys(Keys.BACKSPACE * 5)
    assert browser.find_element(By.ID, "gx-count").text == "2500"
    Select(browser.find_element(By.ID, "gx-fv")).select_by_value("")
    year = browser.find_element(By.CSS_SELECTOR, 'th[data-k="4"] button')
    year.click()
    year.click()  # descending
    first = body.find_elements(By.TAG_NAME, "tr")[0].find_elements(By.TAG_NAME, "td")
    assert first[3].text == "2024"
    browser.find_element(By.ID, "gx-next").click()
    assert browser.find_element(By.ID, "gx-page").text == "2 / 100"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg[data-chart]")) == 3
    link = body.find_element(By.TAG_NAME, "a").get_attribute("href")
    assert link is not None
    assert link.endswith(".txt.html")
    screenshot(browser, "index-10k")
    assert console_errors(browser) == []


def test_seed_page_prints_on_a4(browser: Any, seed: gx.CheckResult, tmp_path: Path) -> None:
    """In print, the switch and the panel are hidden, the markers stay; the PDF is A4."""
    import base64

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions

    path = tmp_path / "seed.html"
    path.write_text(gx.page(seed), encoding="utf-8")
    open_page(browser, path)
    failing = browser.find_element(By.CSS_SELECTOR, "td.gx-fail")
    browser.execute_script("arguments[0].focus()", failing)  # focus alone opens the panel
    panel = browser.find_element(By.ID, "gx-detail")
    assert panel.is_displayed()
    assert "C3." in panel.text
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        style = browser.execute_script(
            "var td=document.querySelector('td.gx-fail');return ["
            "getComputedStyle(document.querySelector('.gx-lang')).display,"
            "getComputedStyle(document.getElementById('gx-detail')).display,"
            "getComputedStyle(td,'::before').content]"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert style[0] == "none"
    assert style[1] == "none"
    assert "✘" in style[2]
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(browser.print_page(options))
    assert pdf.startswith(b"%PDF")
    artifact = ROOT / "test-artifacts" / "seed-page.pdf"
    artifact.parent.mkdir(exist_ok=True)
    artifact.write_bytes(pdf)
    assert console_errors(browser) == []


def test_unreadable_page_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """An unreadable file's page shows its verdict and message, switches language, no error."""
    from selenium.webdriver.common.by import By

    bad = tmp_path / "notes.txt"
    bad.write_text("no table here\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2, result.output
    open_page(browser, out / "notes.txt.html")
    verdict = browser.find_element(By.CSS_SELECTOR, "[data-verdict]")
    assert verdict.get_attribute("data-verdict") == "unreadable"
    assert verdict.text.endswith("无法读取")
    assert "no table" in browser.find_element(By.ID, "gx-error").text
    browser.find_element(By.CSS_SELECTOR, "[data-set-lang=en]").click()
    assert verdict.text.endswith("unreadable")
    open_page(browser, out / "index.html")
    rows = browser.find_elements(By.CSS_SELECTOR, "#gx-body tr")
    assert len(rows) == 1
    assert "notes.txt" in rows[0].text
    assert console_errors(browser) == []
