"""Every form round-trips, on the corpus reports too; hostile files are refused cleanly."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

import gxschema as gx
from tests.conftest import CORPUS, need

FORMS = ("text", "html", "markdown", "docx")
CORPUS_PDFS = ["hzq-2023", "hzq-2024", "huaian-2024"]


@pytest.fixture(scope="module", params=CORPUS_PDFS)
def corpus_report(request: pytest.FixtureRequest) -> gx.Report:
    """A corpus PDF, read (skipped when ../shared or the pdf extra is absent)."""
    pytest.importorskip("pdfplumber", reason="reading PDF needs the 'pdf' extra")
    return gx.read(need(CORPUS / f"{request.param}.pdf"))


@pytest.mark.parametrize("form", FORMS)
def test_corpus_reports_round_trip_through_every_form(corpus_report: gx.Report, form: str) -> None:
    """read(render(r, f), form=f) == r for the real reports, in every form."""
    written = gx.render(corpus_report, form)
    again = gx.read(written, form=form)
    assert again == corpus_report
    assert again.template == corpus_report.template


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".htm", ".docx", ".pdf", ""])
def test_random_bytes_with_each_suffix_are_parse_errors(tmp_path: Path, suffix: str) -> None:
    """Random bytes named like each form give ParseError, nothing else, quickly."""
    rng = random.Random(suffix)
    for n in range(5):
        path = tmp_path / f"junk{n}{suffix}"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.choice([0, 10, 5000]))))
        with pytest.raises(gx.ParseError):
            gx.read(path)


def _peak_memory(path: Path) -> int:
    """Read a file expecting ParseError; return the peak traced bytes."""
    tracemalloc.start()
    try:
        with pytest.raises(gx.ParseError):
            gx.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_a_fifty_megabyte_page_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A page over the size limit is refused from its size, before it is read."""
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.write(b"<html><body><table>")
        handle.truncate(50 * 1024 * 1024 + 10)
    peak = _peak_memory(path)
    assert peak < 10 * 1024 * 1024


def test_hostile_documents_cost_little_memory(tmp_path: Path) -> None:
    """A zip bomb .docx and a billion-laughs page are refused within 100 MB of memory."""
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    laughs = tmp_path / "laughs.html"
    entities = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 10 if i else "lol"}">' for i in range(10)
    )
    laughs.write_text(f"<!DOCTYPE x [{entities}]><html><body>&l9;</body></html>")
    for path in (bomb, laughs):
        peak = _peak_memory(path)
        assert peak < 100 * 1024 * 1024, path.name
