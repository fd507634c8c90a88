"""Time per MB and peak memory of reading hostile inputs, each in its own subprocess.

Every case builds one hostile input (``tests/hostile.py``) and reads it with
``gx.read`` in a fresh interpreter, after one warm-up read of the shipped example (so
imports and template indexes are not counted).  Reported per case: the input's size,
the outcome (read, or the ParseError's first words), the seconds of the read, the
seconds per MB, and the peak resident memory of the subprocess (``ru_maxrss``).

The baseline, in the same run and the same kind of subprocess: decoding the same bytes
(``bytes.decode``, what any reader of the input must at least do), and the peak memory
of that subprocess.  The targets of the issue: at most 1 s per MB (and 1 s for anything
under 1 MB), at most 300 MB peak, for every input accepted or refused.

Run: python benchmarks/bench_bounds.py            (every case at full size, a few minutes)
     python benchmarks/bench_bounds.py --quick    (small sizes only)
     python benchmarks/bench_bounds.py CASE ...   (cases by name)
     --timeout=SECONDS                            (per read; default 600)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

# name, builder in tests/hostile.py, size argument
CASES: list[tuple[str, str, int]] = [
    ("tab row 1 MB", "tab_wide_row", 999_000),
    ("tab row 49 MB", "tab_wide_row", 49 * MB),
    ("plain line 49 MB", "plain_wide_line", 49 * MB),
    ("plain lines 49 MB", "plain_many_lines", 49 * MB * 4 // 6),
    ("markdown pipes 1 MB", "markdown_pipes", 999_000),
    ("markdown pipes 49 MB", "markdown_pipes", 49 * MB),
    ("markdown rows 49 MB", "markdown_big", 49 * MB * 10 // 12),
    ("text long label 1 MB", "text_long_cell", MB // 2),
    ("text long label 45 MB", "text_long_cell", 15 * MB),
    ("html text node 45 MB", "html_text_node", 45 * MB),
    ("html long label 45 MB", "html_long_label", 15 * MB),
    ("docx long header", "docx_long_header", 40_000),
    ("unrecognised rows 147 KB", "unrecognised_rows", 147_000),
    ("ran-together 40 digits", "ran_together", 40),
    ("pdf dense page", "pdf_dense", 5_900),
    ("pdf stacked chars", "pdf_stacked", 5_900),
    ("pdf many crossings", "pdf_lattice", 100),
    ("pdf 3M instructions", "pdf_instructions", 3_000_000),
]
QUICK = {
    "tab row 1 MB",
    "markdown pipes 1 MB",
    "text long label 1 MB",
    "docx long header",
    "unrecognised rows 147 KB",
    "ran-together 40 digits",
    "pdf dense page",
    "pdf stacked chars",
    "pdf many crossings",
    "pdf 3M instructions",
}

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import gxschema as gx
import tests.hostile as h
builder, size, baseline = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
data = getattr(h, builder)(size)
raw = data.encode("utf-8") if isinstance(data, str) else data
del data
if baseline:
    start = time.perf_counter()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raw.decode("latin-1")
    seconds, outcome = time.perf_counter() - start, "decoded"
else:
    gx.read(h.example_text())  # warm-up: imports and template indexes
    if builder.startswith("pdf"):
        try:
            gx.read(h.pdf_dense(10))
        except gx.ParseError:
            pass
    start = time.perf_counter()
    try:
        gx.read(raw)  # the bytes, as a file holds them
        outcome = "read"
    except gx.ParseError as exc:
        outcome = "ParseError: " + exc.message[:70]
    seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"bytes": len(raw), "seconds": seconds, "peak_mb": peak, "outcome": outcome}}))
"""


def run(builder: str, size: int, baseline: bool, timeout: float = 600) -> dict[str, object]:
    """Read (or decode) one hostile input in a fresh interpreter; return its measures."""
    code = _CHILD.format(root=str(ROOT))
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, builder, str(size), "1" if baseline else "0"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"bytes": 0, "seconds": timeout, "peak_mb": 0, "outcome": "TIMEOUT"}
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"bytes": 0, "seconds": 0, "peak_mb": 0, "outcome": "CRASH " + tail[:60]}
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str]) -> int:
    """Run the cases named (all, or the quick ones) and print one line per case."""
    quick = "--quick" in argv
    timeout = float(next((a.split("=")[1] for a in argv if a.startswith("--timeout=")), 600))
    names = [a for a in argv if not a.startswith("--")]
    cases = [c for c in CASES if (not names or c[0] in names) and (not quick or c[0] in QUICK)]
    print(
        f"{'case':26} {'size':>9} {'read s':>7} {'s/MB':>6} {'peak MB':>8}   "
        f"{'decode s':>8} {'base MB':>7}  ratio  outcome"
    )
    worst = 0.0
    for name, builder, size in cases:
        ours = run(builder, size, baseline=False, timeout=timeout)
        base = run(builder, size, baseline=True)
        mb = max(float(ours["bytes"]) / MB, 1e-9)  # type: ignore[arg-type]
        seconds = float(ours["seconds"])  # type: ignore[arg-type]
        per_mb = seconds / max(mb, 1.0)
        worst = max(worst, per_mb)
        ratio = seconds / max(float(base["seconds"]), 1e-6)  # type: ignore[arg-type]
        print(
            f"{name:26} {mb:8.2f}M {seconds:7.2f} {per_mb:6.2f} {ours['peak_mb']:8.0f}   "
            f"{base['seconds']:8.3f} {base['peak_mb']:7.0f} {ratio:6.0f}  {ours['outcome']}"
        )
    print(f"worst seconds per MB (at least 1 MB counted): {worst:.2f} (target <= 1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
