"""Every input is read within bounds of time and memory, or refused early by a named limit.

Hostile inputs are built here (``tests/hostile.py``), never shipped.  Tests assert what
the reader does (which limit refuses an input, that cells are not built before a row is
refused, that loops stop when the time budget is spent); speed is compared only with a
baseline read in the same run, and the measured numbers are in
``benchmarks/bench_bounds.py``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import time

import pytest

import gxschema as gx
from gxschema import _grid
from gxschema._grid import MAX_CELL_CHARS, MAX_ROW_CELLS, GridCell
from gxschema._readers import _markdown, _plain, _text
from tests import hostile

needs_pdfplumber = pytest.mark.skipif(
    importlib.util.find_spec("pdfplumber") is None, reason="needs the 'pdf' extra"
)


def seconds(fn: object, *args: object, **kwargs: object) -> float:
    """Seconds one call takes; a ParseError counts as an answer."""
    start = time.perf_counter()
    with contextlib.suppress(gx.ParseError):
        fn(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - start


class CountingCell(GridCell):
    """A GridCell that counts how many are made."""

    made = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        type(self).made += 1
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[CountingCell]:
    """Count the cells the text, plain and Markdown readers make."""
    CountingCell.made = 0
    for module in (_text, _plain, _markdown):
        monkeypatch.setattr(module, "GridCell", CountingCell)
    return CountingCell


# -- item 4: a very wide row is refused before its cells are built ---------------------------


@pytest.mark.parametrize(
    ("form", "build"),
    [
        ("text", hostile.tab_wide_row),
        ("plain", hostile.plain_wide_line),
        ("markdown", hostile.markdown_pipes),
    ],
)
def test_a_wide_row_is_refused_before_its_cells_are_made(
    form: str, build: object, counted: type[CountingCell]
) -> None:
    """One row of 200,000 cells: refused by the cells-per-row limit, few cells made."""
    text = build(400_000)  # type: ignore[operator]
    with pytest.raises(gx.ParseError, match=f"limit {MAX_ROW_CELLS}"):
        gx.read(text, form=form)
    assert counted.made <= 2 * MAX_ROW_CELLS


def test_a_markdown_row_of_pipes_is_refused_not_read_as_nothing() -> None:
    """A row of empty cells wider than the limit is refused by the limit."""
    with pytest.raises(gx.ParseError, match=f"limit {MAX_ROW_CELLS}"):
        gx.read(hostile.markdown_pipes(5000), form="markdown")


@pytest.mark.parametrize("form", ["text", "plain", "markdown"])
def test_too_many_lines_are_refused_as_they_are_counted(
    form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line limit names itself and the line it was reached at."""
    monkeypatch.setattr(_grid, "MAX_LINES", 50)
    text = "标题\n" + "甲 1\n" * 100
    with pytest.raises(gx.ParseError, match="over 50 lines") as caught:
        gx.read(text, form=form)
    assert caught.value.location == gx.Location(line=51)


@pytest.mark.parametrize("form", ["text", "plain", "markdown"])
def test_a_long_line_is_refused_before_it_is_split(
    form: str, monkeypatch: pytest.MonkeyPatch, counted: type[CountingCell]
) -> None:
    """A line over the line-length limit is refused with its number; no cell is made."""
    monkeypatch.setattr(_grid, "MAX_LINE_CHARS", 1000)
    text = "标题\n\n" + "\t1 |" * 600 + "\n"
    with pytest.raises(gx.ParseError, match="over the limit of 1000") as caught:
        gx.read(text, form=form)
    assert caught.value.location == gx.Location(line=3)
    assert counted.made <= 1


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "a\r\nb", "\n\n", "a\rb\x0bc\x0cd\x1ce\x85f\u2028g\u2029h", "\r\n\r\n"],
)
def test_lines_are_those_of_splitlines(text: str) -> None:
    """The lazy splitter agrees with str.splitlines(), rare line breaks included."""
    assert [line for _, line in _grid.lines(text, "x")] == text.splitlines()


def test_lines_agree_with_splitlines_on_random_text() -> None:
    """Random mixtures of every line break split alike."""
    rnd = random.Random(11)
    pieces = ["a", "甲", "\t", "\n", "\r", "\r\n", "\x85", "\u2028", "\x0c", " "]
    for _ in range(500):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(30)))
        assert [line for _, line in _grid.lines(text, "x")] == text.splitlines(), repr(text)


# -- item 8: memory: a huge cell is refused by a limit, in every form ------------------------


@pytest.mark.parametrize(
    ("form", "data"),
    [
        ("text", lambda: hostile.text_long_cell(MAX_CELL_CHARS + 10)),
        ("html", lambda: hostile.html_text_node(2 * MAX_CELL_CHARS)),
        ("html", lambda: hostile.html_long_label(MAX_CELL_CHARS + 10)),
        ("markdown", lambda: "| a | b |\n|---|---|\n| " + "甲" * (2 * MAX_CELL_CHARS) + " | 1 |\n"),
    ],
)
def test_a_cell_over_the_cell_limit_is_refused(form: str, data: object) -> None:
    """A cell (a label, a text node) longer than the limit is refused, naming it."""
    with pytest.raises(gx.ParseError, match=f"limit of {MAX_CELL_CHARS}"):
        gx.read(data(), form=form)  # type: ignore[operator]


def test_a_long_continued_cell_is_refused_as_it_grows() -> None:
    """A tab-layout cell continued over many lines is refused once over the limit."""
    text = "\t" + "\n".join(["甲" * 1000] * (MAX_CELL_CHARS // 1000 + 5)) + "\n\t1\n"
    with pytest.raises(gx.ParseError, match=f"over {MAX_CELL_CHARS} characters"):
        gx.read(text, form="text")


# -- item 3: matching stays near linear in the input -----------------------------------------


def test_a_run_of_forty_digits_costs_no_more_than_twenty() -> None:
    """Values that ran together are split within a budget, not by trying every cut.

    The time for 40 digits is compared with the time for 20 in the same run: before
    the budget it grew with the number of ways to cut the run (0.5 s to 38 s).
    """
    short = hostile.ran_together(20)
    long = hostile.ran_together(40)
    gx.read(short)  # warm-up
    base = min(seconds(gx.read, short) for _ in range(3))
    assert seconds(gx.read, long) < 20 * base + 0.5
    [extra] = [e for e in gx.read(long).extras if e.table == "s3"]
    assert extra.cells[0] == ("1234567891" * 4)


def test_a_long_header_cell_leaves_the_other_columns_read() -> None:
    """A 40,000-character header cell in a .docx: read as fast as a short one, same values."""
    plain = hostile.example_docx()
    long = hostile.docx_long_header(40_000)
    gx.read(plain)  # warm-up
    base = min(seconds(gx.read, plain) for _ in range(3))
    assert seconds(gx.read, long) < 10 * base + 0.5
    report = gx.read(long)
    assert report.template == hostile.example_report().template


def test_unrecognised_rows_before_the_data_cost_linear_time() -> None:
    """Rows no template knows before the first data row: 4x the rows, under 12x the time."""
    small = hostile.unrecognised_rows(20_000)
    large = hostile.unrecognised_rows(80_000)
    gx.read(small)  # warm-up
    base = min(seconds(gx.read, small) for _ in range(3))
    assert seconds(gx.read, large) < 12 * base + 0.5


# -- item 7: PDF time is bounded, inside the loops ---------------------------------------------


def spent(source: str = "hostile.pdf") -> object:
    """A PDF time budget already spent."""
    from gxschema._readers._pdf._budget import Budget

    budget = Budget(source, 1.0)
    budget.deadline = 0.0
    budget.page = 1
    return budget


def chars(n: int, seed: int = 3) -> list[dict[str, object]]:
    """``n`` characters as pdfplumber gives them, many drawn on top of one another."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        x, y = rnd.choice([10.0, 10.4, 11.2, 30.0, 50.0]), rnd.choice([5.0, 5.5, 7.0, 20.0])
        out.append(
            {
                "upright": True,
                "text": rnd.choice("12甲"),
                "fontname": "F",
                "size": 7.0,
                "doctop": y + rnd.random() * 0.3,
                "x0": x + rnd.random() * 0.3,
                "x1": x + 5,
                "top": y,
                "bottom": y + 7,
            }
        )
    return out


@needs_pdfplumber
def test_duplicate_removal_keeps_what_pdfplumber_keeps() -> None:
    """The same characters as pdfplumber's dedupe_chars, in the same order."""
    from pdfplumber.utils.text import dedupe_chars as theirs

    from gxschema._readers._pdf._budget import Budget
    from gxschema._readers._pdf._cells import dedupe_chars

    for seed in range(20):
        cs = chars(300, seed)
        assert dedupe_chars(cs, Budget("x", 10.0)) == theirs(cs)


@needs_pdfplumber
def test_the_budget_is_checked_inside_the_character_loops() -> None:
    """Duplicate removal and placing characters in cells stop once the budget is spent."""
    from gxschema._readers._pdf._cells import _place, dedupe_chars

    with pytest.raises(gx.ParseError, match="time limit") as caught:
        dedupe_chars(chars(2000), spent())  # type: ignore[arg-type]
    assert caught.value.location == gx.Location(page=1)
    with pytest.raises(gx.ParseError, match="time limit"):
        _place([(0, 0, 100, 100)], chars(2000), spent())  # type: ignore[arg-type]


@needs_pdfplumber
def test_the_budget_is_checked_while_pdfminer_interprets_a_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page of many instructions stops within the budget, before the instruction cap."""
    from gxschema._readers._pdf import _budget

    monkeypatch.setattr(_budget, "STEP", 16)
    checks: list[int] = []
    real = _budget.Budget.check

    def check(self: _budget.Budget) -> None:
        checks.append(1)
        if len(checks) > 20:  # the budget runs out mid-page
            self.deadline = 0.0
        real(self)

    monkeypatch.setattr(_budget.Budget, "check", check)
    with pytest.raises(gx.ParseError, match="time limit of 10 seconds"):
        gx.read(hostile.pdf_instructions(30_000))


@needs_pdfplumber
def test_time_limit_is_a_read_option() -> None:
    """read(time_limit=...) sets the budget; it is named in the error."""
    with pytest.raises(gx.ParseError, match=r"time limit of 1e-06 seconds \(time_limit\)"):
        gx.read(hostile.pdf_dense(3000), time_limit=1e-6)
    with pytest.raises(ValueError, match="positive"):
        gx.read(hostile.pdf_dense(10), time_limit=0)


@needs_pdfplumber
@pytest.mark.parametrize(
    ("build", "limit"),
    [
        (lambda: hostile.pdf_dense(7000), "6000 characters"),
        (lambda: hostile.pdf_stacked(7000), "6000 characters"),
        (lambda: hostile.pdf_instructions(3_000_000), "40000 drawing instructions"),
        (lambda: hostile.pdf_lattice(100), "cross over 4000 times"),
    ],
    ids=["dense", "stacked", "instructions", "crossings"],
)
def test_a_hostile_page_is_refused_by_a_named_limit(build: object, limit: str) -> None:
    """Dense, stacked, long or criss-crossed pages: refused by their limit, with the page."""
    with pytest.raises(gx.ParseError, match=limit) as caught:
        gx.read(build())  # type: ignore[operator]
    assert caught.value.location == gx.Location(page=1)


@needs_pdfplumber
def test_a_dense_page_under_the_limits_costs_near_linear_time() -> None:
    """A page of 5,000 characters (each drawn five times) takes under 8x a page of 1,000.

    Both sides are the best of three runs, so a moment of load on a shared machine
    does not decide the test.
    """
    small, large = hostile.pdf_dense(1000), hostile.pdf_dense(5000, stacked=5)
    gx.read(hostile.example_text())
    base = min(seconds(gx.read, small) for _ in range(3))
    assert min(seconds(gx.read, large) for _ in range(3)) < 8 * base + 0.5
