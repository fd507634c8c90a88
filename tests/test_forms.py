"""The form registry: sniffing, reading and writing go through it, and it takes new forms."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import gxschema as gx
from gxschema import _forms
from gxschema._forms import Form, Sample, decode_text, detect, forms, get_form, register_form
from gxschema._grid import Grid, GridBuilder, GridCell, GridRow
from gxschema._values import (
    _BLANK_TEXTS,
    BLANK_MARKS,
    COUNT_UNITS,
    MONEY_UNITS,
    Kind,
    Number,
    ValueStyle,
    looks_like_value,
    parse_value,
    render_value,
)
from gxschema.cli import main
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"
BUILT_IN = ["text", "html", "markdown", "docx", "plain", "pdf"]
SRC = Path(__file__).resolve().parents[1] / "src" / "gxschema"


@pytest.fixture(scope="module")
def report() -> gx.Report:
    return gx.read(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in forms alone, so that a test may register forms of its own."""
    built_in = {name: _forms._REGISTRY[name] for name in BUILT_IN}
    monkeypatch.setattr(_forms, "_REGISTRY", built_in)


# -- the registry --------------------------------------------------------------------------


def test_built_in_forms() -> None:
    """Six forms read; four write; PDF and plain text are read only; docx and pdf are bytes."""
    assert [f.name for f in forms()][:6] == BUILT_IN  # the docs may have registered more
    assert [f.name for f in forms(writable=True)][:4] == ["text", "html", "markdown", "docx"]
    assert {f.name for f in forms() if f.binary} == {"docx", "pdf"}
    assert get_form("pdf").write is None
    assert ".htm" in get_form("html").suffixes
    with pytest.raises(KeyError, match="unknown form 'odt'"):
        get_form("odt")


def test_no_form_is_reached_by_naming_convention() -> None:
    """Reading, detection and rendering look forms up in the registry, not by module name."""
    for path in ("_read.py", "_writers/__init__.py", "strategies/_renderings.py", "cli.py"):
        assert "importlib" not in (SRC / path).read_text(encoding="utf-8"), path


def test_the_readers_sniffers_are_the_only_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection asks the readers' own looks_like_*: silence one and its form is not found."""
    from gxschema._readers import _docx, _html, _markdown, _pdf, _text

    page = b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>"
    cases = [
        (_html, "looks_like_html", page, "html"),
        (_pdf, "looks_like_pdf", b"%PDF-1.7\n", "pdf"),
        (_docx, "looks_like_docx", b"PK\x03\x04rest", "docx"),
        (_markdown, "looks_like_markdown", b"| a | b |\n|---|---|\n| 1 | 2 |\n", "markdown"),
        (_text, "looks_like_tab_layout", b"\ta\n\tb\n\n\tc\n", "text"),
    ]
    for module, name, content, form in cases:
        assert gx.detect_form(content) == form
        with monkeypatch.context() as m:
            if hasattr(_forms, name):  # imported by the registry itself: the same function
                assert getattr(_forms, name) is getattr(module, name)
                m.setattr(_forms, name, lambda *_args: False)
            m.setattr(module, name, lambda *_args: False)
            with contextlib.suppress(gx.ParseError):  # when nothing else claims it
                assert gx.detect_form(content) != form, form


def test_render_refuses_a_form_it_does_not_write(report: gx.Report) -> None:
    """PDF is read, not written; an unknown form is named as such."""
    with pytest.raises(ValueError, match="reads pdf but does not write it"):
        gx.render(report, "pdf")
    with pytest.raises(ValueError, match="unknown form 'odt'"):
        gx.render(report, "odt")
    with pytest.raises(gx.ParseError, match="unknown form 'odt'"):
        gx.read(b"x", form="odt")


def test_cli_render_choices_are_the_written_forms(tmp_path: Path) -> None:
    """``render --to`` offers exactly the forms with a writer."""
    result = CliRunner().invoke(main, ["render", "--help"])
    assert result.exit_code == 0
    assert "[text|html|markdown|docx]" in result.output
    result = CliRunner().invoke(main, ["render", str(EXAMPLE), "--to", "pdf"])
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.output


def _read_csv(text: str, source: str) -> Grid:
    rows = GridBuilder(source, "csv")
    for n, line in enumerate(text.splitlines(), start=1):
        where = gx.Location(line=n)
        pieces = line.split(",")
        cells = tuple(GridCell(t, gx.Location(line=n, column=i + 1)) for i, t in enumerate(pieces))
        rows.add(GridRow(cells, where, heading=len(cells) == 1))
    return rows.build()


def _write_csv(grid: Grid) -> str:
    return "".join(",".join(c.text for c in row.cells) + "\n" for row in grid.rows)


@pytest.mark.usefixtures("registry")
def test_a_form_of_ones_own_reads_detects_and_renders(report: gx.Report, tmp_path: Path) -> None:
    """A registered form is detected by its sniffer, read, and written by render."""
    assert "csv" not in [f.name for f in forms()]
    csv = gx.Form(
        "csv",
        sniff=lambda s: 35 if s.suffix == ".csv" else 0,
        read=_read_csv,
        write=_write_csv,
        suffixes=(".csv",),
    )
    gx.register_form(csv)
    with pytest.raises(ValueError, match="registered already"):
        gx.register_form(csv)
    written = gx.render(report, "csv")
    assert isinstance(written, str)
    path = tmp_path / "report.csv"
    path.write_text(written, encoding="utf-8")
    assert gx.detect_form(path.read_bytes(), path.name) == "csv"
    assert gx.read(path) == report
    assert gx.read(written, form="csv") == report
    # the tab layout still wins where it is sure
    assert gx.detect_form(gx.render(report, "text"), "x.csv") == "text"
    register_form(Form("csv", sniff=lambda s: 0), replace=True)
    assert get_form("csv").read is None
    with pytest.raises(gx.ParseError, match="does not read csv"):
        gx.read(written, form="csv")


def test_a_binary_form_given_as_text_is_refused() -> None:
    with pytest.raises(gx.ParseError, match="docx file is binary"):
        gx.read("PK\x03\x04\n\t", form="docx")


def test_reading_pdf_without_the_extra_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pdf form imports pdfplumber only when reading, and names the extra when missing."""
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    assert gx.detect_form(b"%PDF-1.7\n") == "pdf"
    with pytest.raises(gx.ParseError, match=r"pip install 'gxschema\[pdf\]'"):
        gx.read(b"%PDF-1.7\n")


def test_a_long_one_line_string_is_a_parse_error() -> None:
    """A one-line str is a path; one too long to be a file name is a ParseError."""
    with pytest.raises(gx.ParseError, match="cannot read the file"):
        gx.read("三" * 300)


# -- byte-order marks -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("form", ["html", "text", "markdown"])
def test_text_forms_with_a_byte_order_mark_read_back(
    report: gx.Report, form: str, encoding: str
) -> None:
    """A page or text saved with a BOM (Notepad's "Unicode" is UTF-16) reads without form=."""
    written = gx.render(report, form)
    assert isinstance(written, str)
    bom = "" if encoding in ("utf-16", "utf-8-sig") else "\ufeff"
    data = (bom + written).encode(encoding)
    assert gx.detect_form(data) == form
    assert gx.read(data) == report


def test_the_utf16_html_page_of_the_issue(report: gx.Report) -> None:
    """gx.read(gx.render(r, "html").encode("utf-16")) reads as with form="html"."""
    data = gx.render(report, "html").encode("utf-16")
    assert gx.read(data) == gx.read(data, form="html") == report


def test_decode_text_follows_the_mark() -> None:
    assert decode_text("\ufeff规章\t1".encode("utf-16-be"), "x") == "规章\t1"
    assert decode_text("规章".encode("gb18030"), "x") == "规章"
    with pytest.raises(gx.ParseError, match="binary"):
        decode_text(b"a\x00b", "x")
    with pytest.raises(gx.ParseError, match="utf-16-le"):
        decode_text(b"\xff\xfe\x00\xd8", "x")  # a lone surrogate
    assert Sample(b"\xff\xfe\x00\xd8").text is None


def test_detection_prefers_sure_forms() -> None:
    """HTML indented with tabs is HTML, not the tab layout; unclaimed text is plain."""
    page = "<html>\n\t<body>\n\t<table>\n\t<tr><td>1</td></tr>\n\t</table>\n</body></html>\n"
    assert detect(page).name == "html"
    assert detect("标题\n一、本年新收 1 2 3\n", "x.html").name == "html"
    assert detect("标题\n一、本年新收 1 2 3\n", "x.txt").name == "plain"
    with pytest.raises(gx.ParseError, match="none of the forms"):
        detect(b"\x00\x01\x02" * 10, "x.bin")


# -- what a value looks like ------------------------------------------------------------------


@pytest.mark.parametrize("mark", sorted(BLANK_MARKS))
def test_every_blank_mark_reads_blank_and_looks_like_a_value(mark: str) -> None:
    for kind in Kind:
        assert parse_value(mark, kind) is gx.BLANK
        assert parse_value(f"\u3000{mark}\xa0", kind) is gx.BLANK
    assert looks_like_value(mark)


def test_the_style_blanks_are_blank_marks() -> None:
    assert {t.strip() for t in _BLANK_TEXTS} <= BLANK_MARKS


@pytest.mark.parametrize("unit", [*MONEY_UNITS, *COUNT_UNITS])
def test_units_are_known_to_the_parser_and_the_likeness(unit: str) -> None:
    kind = Kind.MONEY if unit in MONEY_UNITS else Kind.COUNT
    assert parse_value(f"12{unit}", kind, unit="元" if kind is Kind.MONEY else None)
    assert looks_like_value(f"12{unit}")


STYLES = st.builds(
    ValueStyle,
    fullwidth_digits=st.booleans(),
    thousands=st.sampled_from(["", ",", "，"]),
    sign_words=st.sampled_from(["", "增减", "增加减少"]),
    explicit_plus=st.booleans(),
    pad_left=st.sampled_from(["", "\xa0", "\u3000"]),
    money_unit=st.sampled_from([None, "元", "万元"]),
)


@given(st.integers(-(10**9), 10**9), st.sampled_from(list(Kind)), STYLES)
def test_every_written_value_looks_like_a_value(n: int, kind: Kind, style: ValueStyle) -> None:
    """What render_value writes, in any style, looks like a value to readers and mapper."""
    if kind is Kind.COUNT:
        n = abs(n)
    value = Number(n, unit="元") if kind is Kind.MONEY else Number(n)
    text = render_value(value, kind, unit="元" if kind is Kind.MONEY else None, style=style)
    assert looks_like_value(text), text


@pytest.mark.parametrize("label", ["1.规章", "（一）本年新收申请数量", "总计", "一千二"])
def test_labels_do_not_look_like_values(label: str) -> None:
    assert not looks_like_value(label)


def test_one_input_cap_one_value_likeness() -> None:
    """The input cap is written once; the mapper and the PDF reader ask the value codec."""
    from gxschema import _columns
    from gxschema._grid import MAX_INPUT_BYTES
    from gxschema._readers._pdf import _continued

    caps = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "50 * 1024 * 1024" in path.read_text(encoding="utf-8")
    ]
    assert caps == ["_grid.py"]
    assert MAX_INPUT_BYTES == 50 * 1024 * 1024
    assert _columns.value_like.__wrapped__ is looks_like_value  # remembered, not rewritten
    assert _continued.is_value("——")  # the codec's blank marks…
    assert not _continued.is_value("")  # …but an empty cell says nothing in a PDF
