"""A short fuzzing run of every reader on mutations of the shipped fixtures.

Each fixture (the example in the tab layout, and as Markdown and plain text; the HTML,
.docx and PDF fixtures) is mutated the ways damaged and hostile copies differ: bytes
flipped, chunks cut, repeated or moved, separators and markup inserted, the end cut
off; a .docx is also mutated inside its document part.  Every mutated input is read
with ``gx.read``.  Two things are asserted:

* only gxschema's own errors come out (a :class:`~gxschema.exceptions.GxSchemaError`);
* no input takes longer than the time bound: 1 s per MB and 1 s for anything under
  1 MB, times a slack for a shared, noisy machine (``GXSCHEMA_FUZZ_SLACK``, default 3),
  and never less than 30 times the unmutated fixture's own reading in the same run.

The default run is about 550 inputs (a minute or less); ``GXSCHEMA_FUZZ=long`` runs
twenty times as many, and ``GXSCHEMA_FUZZ_SEED`` changes the mutations.  A failure
names the fixture, the mutation and its seed, so it can be replayed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import random
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import gxschema as gx
from tests import hostile

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LONG = os.environ.get("GXSCHEMA_FUZZ", "") == "long"
SEED = int(os.environ.get("GXSCHEMA_FUZZ_SEED", "0"))
SLACK = float(os.environ.get("GXSCHEMA_FUZZ_SLACK", "3"))
SCALE = 20 if LONG else 1
MB = 1024 * 1024

_TOKENS = [
    b"\t", b"\n", b"\r", b"\r\n", b"|", b"||", b"|---|", b"\\|", b"<td>", b"</td>",
    b"<tr>", b"<table>", b"</table>", b"<td colspan=999>", b"<td rowspan=0>", b"&amp;",
    b"&#xffff;", b"\x00", b"\xff", b"\xe7\x94", b"0" * 50, b"9" * 41, b"1 2 3 4 5 6 7 8",
    b"<![CDATA[", b"<!--", b"<w:vMerge/>", b"<w:gridSpan w:val=\"9999\"/>", b"obj", b"endobj",
    b"stream", b"/Length 99999999", b"BT (x) Tj ET", b"q Q " * 20, "（一）".encode(),
]  # fmt: skip


def plain_text() -> str:
    """The example as plain text: each table row one line of space-separated cells."""
    out: list[str] = []
    cells: list[str] = []
    for line in hostile.example_text().splitlines():
        if line.startswith("\t"):
            cells.append(line.strip().replace(" ", ""))
        else:
            if cells:
                out.append(" ".join(cells))
                cells = []
            if line.strip():
                out.append(line.strip())
    if cells:
        out.append(" ".join(cells))
    return "\n".join(out) + "\n"


def fixtures() -> dict[str, Callable[[], bytes]]:
    """Every fixture to mutate, by name: its bytes."""

    def rendered(form: str) -> Callable[[], bytes]:
        def make() -> bytes:
            out = gx.render(hostile.example_report(), form)
            return out.encode("utf-8") if isinstance(out, str) else out

        return make

    found: dict[str, Callable[[], bytes]] = {
        "example.txt": lambda: hostile.example_text().encode("utf-8"),
        "example.md": rendered("markdown"),
        "example.plain": lambda: plain_text().encode("utf-8"),
        "example.html": rendered("html"),
        "example.docx": hostile.example_docx,
    }
    for path in sorted(FIXTURES.glob("*/*")):
        if path.suffix in {".html", ".docx"} or (
            path.suffix == ".pdf" and path.stem not in {"many-pages", "encrypted"}
        ):
            found[path.name if path.parent.name != "libreoffice" else "lo-" + path.name] = (
                path.read_bytes
            )
    return found


def mutate(data: bytes, rnd: random.Random) -> tuple[str, bytes]:
    """One random mutation of ``data``; returns its name and the result."""
    n = len(data)
    at = rnd.randrange(n + 1)
    size = rnd.choice([1, 8, 64, 512, 4096])
    kind = rnd.choice(["flip", "cut", "repeat", "move", "insert", "truncate", "splice"])
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rnd.choice([1, 4, 32])):
            if out:
                out[rnd.randrange(len(out))] = rnd.randrange(256)
        return kind, bytes(out)
    if kind == "cut":
        return kind, data[:at] + data[at + size :]
    if kind == "repeat":
        return kind, data[:at] + data[at : at + size] * rnd.choice([2, 50, 1000]) + data[at:]
    if kind == "move":
        chunk = data[at : at + size]
        rest = data[:at] + data[at + size :]
        to = rnd.randrange(len(rest) + 1)
        return kind, rest[:to] + chunk + rest[to:]
    if kind == "insert":
        token = rnd.choice(_TOKENS) * rnd.choice([1, 3, 200])
        return kind, data[:at] + token + data[at:]
    if kind == "truncate":
        return kind, data[:at]
    other = rnd.choice(_TOKENS)
    return kind, data[:at] + other + data[rnd.randrange(at, n + 1) :]


def mutate_docx(data: bytes, rnd: random.Random) -> tuple[str, bytes]:
    """Mutate the document part of a .docx, then zip it again (or mutate the zip)."""
    if rnd.random() < 0.3:
        return mutate(data, rnd)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    name = ""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                name, body = mutate(body, rnd)
            dst.writestr(item, body)
    return "document.xml " + name, out.getvalue()


def read_time(data: bytes) -> float:
    """Seconds to read ``data``, whatever the outcome."""
    start = time.perf_counter()
    with contextlib.suppress(gx.GxSchemaError):
        gx.read(data)
    return time.perf_counter() - start


def bound(size: int, baseline: float) -> float:
    """The most seconds an input of ``size`` bytes may take (see the module's notes)."""
    return max(SLACK * max(1.0, size / MB), 30 * baseline)


_COUNTS = {".pdf": 20, ".docx": 30}


@pytest.mark.parametrize("name", sorted(fixtures()))
def test_mutated_fixtures_raise_only_gxschema_errors_within_the_bound(name: str) -> None:
    """Only GxSchemaError, and no input over the time bound, for every mutation."""
    suffix = Path(name).suffix
    if suffix == ".pdf" and importlib.util.find_spec("pdfplumber") is None:
        pytest.skip("needs the 'pdf' extra")
    data = fixtures()[name]()
    read_time(data)  # warm-up: imports, template indexes
    baseline = statistics.median(read_time(data) for _ in range(3))
    count = _COUNTS.get(suffix, 80) * SCALE
    rnd = random.Random(f"{SEED}:{name}")
    slow: list[str] = []
    for i in range(count):
        seed = rnd.randrange(2**32)
        mrnd = random.Random(seed)
        how, mutated = (mutate_docx if suffix == ".docx" else mutate)(data, mrnd)
        start = time.perf_counter()
        try:
            gx.read(mutated)
        except gx.GxSchemaError:
            pass
        except Exception as exc:  # pragma: no cover - what the test exists to catch
            pytest.fail(f"{name} #{i} ({how}, seed {seed}): {type(exc).__name__}: {exc}")
        took = time.perf_counter() - start
        if took > bound(len(mutated), baseline):
            slow.append(f"#{i} ({how}, seed {seed}): {took:.2f} s for {len(mutated)} bytes")
    assert not slow, f"{name}: over the time bound: {slow}"
