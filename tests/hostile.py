"""Builders of hostile inputs: huge rows, huge cells, dense PDF pages, long labels.

Each builder returns the bytes (or text) of one input, made here rather than shipped, so
that the tests and ``benchmarks/bench_bounds.py`` can make them at any size.  The valid
parts come from the shipped example and the template specs; nothing is spelled here.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from functools import cache
from pathlib import Path

import gxschema as gx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lucheng-police-2020.txt"
MB = 1024 * 1024


@cache
def example_text() -> str:
    """The shipped example report, in the tab layout."""
    return EXAMPLE.read_text(encoding="utf-8")


@cache
def example_report() -> gx.Report:
    """The shipped example, read."""
    return gx.read(example_text())


@cache
def example_docx() -> bytes:
    """The shipped example rendered as a .docx."""
    data = gx.render(example_report(), "docx")
    assert isinstance(data, bytes)
    return data


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters (at least once)."""
    return (unit * (size // len(unit) + 1))[: max(size, len(unit))]


# -- text forms ----------------------------------------------------------------------------


def tab_wide_row(size: int) -> str:
    """One tab-layout row of ``size`` characters: a cell per two characters."""
    return "标题\n\n" + _repeat("\t1", size) + "\n"


def plain_wide_line(size: int) -> str:
    """Plain text: one line of ``size`` characters, a word per two."""
    return _repeat("1 ", size) + "\n"


def plain_many_lines(size: int) -> str:
    """Plain text: ``size`` characters of short lines of two words."""
    return _repeat("甲 1\n", size)


def markdown_pipes(size: int) -> str:
    """A Markdown pipe table whose second row is ``size`` pipes."""
    return "| a | b |\n|---|---|\n" + "|" * size + "\n"


def markdown_big(size: int) -> str:
    """A Markdown table of ``size`` characters: many short rows."""
    return "| a | b |\n|---|---|\n" + _repeat("| 甲 | 1 |\n", size)


def text_long_cell(size: int) -> str:
    """The example with one line label ``size`` characters long."""
    text = example_text()
    label = next(
        ln for ln in text.splitlines() if ln.startswith("\t") and len(ln) > 4 and "数" not in ln
    )
    return text.replace(label, "\t" + _repeat("甲乙", size), 1)


def unrecognised_rows(size: int) -> str:
    """The example with ``size`` characters of rows no template knows before a first data row.

    The rows go after the first table's header, before its first line: each row is a
    label-like cell and a number, as a table of the author's own would print.
    """
    text = example_text()
    lines = text.split("\n")
    # The first blank line after the first run of tabbed lines ends the header row.
    first = next(i for i, ln in enumerate(lines) if ln.startswith("\t"))
    end = next(i for i in range(first, len(lines)) if not lines[i].strip())
    junk: list[str] = []
    n = 0
    total = 0
    while total < size:
        row = f"\t自定义统计事项第{n}项说明文字\n\t{n}\n"
        junk.append(row)
        total += len(row)
        n += 1
    return "\n".join(lines[: end + 1]) + "\n" + "\n".join(junk) + "\n" + "\n".join(lines[end:])


# -- HTML ----------------------------------------------------------------------------------


def html_text_node(size: int) -> bytes:
    """An HTML page whose one table cell is a text node of ``size`` characters."""
    return (
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>"
        + _repeat("x", size)
        + "</td><td>1</td></tr></table></body></html>"
    ).encode()


def html_long_label(size: int) -> bytes:
    """An HTML page of the example whose first line label is ``size`` characters long."""
    page = gx.render(example_report(), "html")
    assert isinstance(page, str)
    spec = gx.templates.get(example_report().template)
    first = spec.tables[0].lines[0].label
    return page.replace(first, _repeat("甲乙", size), 1).encode()


# -- .docx ---------------------------------------------------------------------------------


def docx_replace(old: str, new: str, data: bytes | None = None) -> bytes:
    """The example .docx (or ``data``) with ``old`` replaced once in its document part."""
    src = zipfile.ZipFile(io.BytesIO(data or example_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = body.decode("utf-8")
                assert old in text, old
                body = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def docx_long_header(size: int) -> bytes:
    """The example .docx whose first column header is ``size`` characters of varied text."""
    spec = gx.templates.get(example_report().template)
    header = next(t for t in spec.tables if len(t.columns) > 1).columns[0].label
    # Varied text (not one character repeated) that still shares characters with the
    # labels, so that no cheap bound rules the likeness out.
    long = _repeat(header + "及其他", size)
    return docx_replace(f">{header}<", f">{long}<")


# -- PDF -----------------------------------------------------------------------------------


def pdf_document(content: bytes, *, pages: int = 1) -> bytes:
    """A PDF of ``pages`` pages each drawing ``content`` (Flate-compressed), in Helvetica."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            f"/Resources << /Font << /F1 {4 + pages} 0 R >> >> >>".encode()
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_grid(
    rows: int, columns: int, *, x0: float = 40, top: float = 60, step: float = 12
) -> bytes:
    """Drawing instructions of a ruled table of ``rows`` x ``columns`` cells."""
    width = (595 - 2 * x0) / columns
    y0 = 842 - top
    ops = [b"0.5 w 0 0 0 RG"]
    for r in range(rows + 1):
        y = y0 - r * step
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (x0, y, x0 + columns * width, y))
    for c in range(columns + 1):
        x = x0 + c * width
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (x, y0, x, y0 - rows * step))
    return b"\n".join(ops) + b"\n"


def pdf_dense(chars: int, *, rows: int = 30, columns: int = 10, stacked: int = 1) -> bytes:
    """A one-page PDF: a ruled table with ``chars`` characters spread over its cells.

    ``stacked`` draws each character that many times at the same place (synthetic bold
    gone wild), which is what duplicate removal has to undo.
    """
    width = (595 - 80) / columns
    ops = [pdf_grid(rows, columns), b"BT /F1 3 Tf"]
    per_cell = max(1, chars // (rows * columns * stacked))
    text = b"1" * min(per_cell, 400)
    drawn = 0
    while drawn < chars:
        for r in range(rows):
            for c in range(columns):
                for _ in range(stacked):
                    x = 40 + c * width + 1
                    y = 842 - 60 - (r + 1) * 12 + 3
                    ops.append(b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, y, text))
                    drawn += len(text)
                if drawn >= chars:
                    break
            if drawn >= chars:
                break
    ops.append(b"ET")
    return pdf_document(b"\n".join(ops))


def pdf_lattice(lines: int) -> bytes:
    """A one-page PDF ruled with ``lines`` horizontal and ``lines`` vertical rules."""
    return pdf_document(pdf_grid(lines - 1, lines - 1, x0=20, top=20, step=800 / lines))


def pdf_stacked(chars: int) -> bytes:
    """A dense page whose characters are each drawn eight times at one place."""
    return pdf_dense(chars, stacked=8)


def pdf_instructions(count: int) -> bytes:
    """A one-page PDF of ``count`` do-nothing drawing instructions (``q Q``), a few KB."""
    return pdf_document(b"q Q\n" * (count // 2))


def ran_together(digits: int) -> str:
    """The example with a row of section 三 whose values ran into one run of ``digits``."""
    text = example_text()
    spec = gx.templates.get(example_report().template)
    table = next(t for t in spec.tables if len(t.columns) > 3 and t.layout == "grid")
    label = "\t" + table.lines[0].label
    lines = text.split("\n")
    at = lines.index(label)
    end = at + 1
    while lines[end].startswith("\t") and lines[end].strip():
        end += 1
    run = _repeat("1234567891", digits)
    return "\n".join([*lines[: at + 1], "\t" + run, *lines[end:]])
