"""Reading and writing the example report in every form, through the form registry.

For each form gxschema writes: ``gx.render`` (layout, then the form's writer) and
``gx.read`` of the written document as bytes, its form detected from the content (the
readers' own sniffers, then the form's reader, then the mapper over every registered
template).  Also the layout alone, and the text form read back as ``str``.

Each time is printed as a ratio against a baseline timed in the same run (the machines
are shared and noisy; only ratios compare across runs): writing against the layout
alone (``lay_out``, which every writer starts from), reading against ``json.loads`` of
the report's JSON (the cheapest way to get the same cells back, with no reading at all).

Run: python benchmarks/bench_codecs.py
"""

from __future__ import annotations

import json
from pathlib import Path

from _timing import median_time

import gxschema as gx
from gxschema._forms import forms
from gxschema._writers._layout import lay_out

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lucheng-police-2020.txt"


def main() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    report = gx.read(text)
    spec = gx.templates.get(report.template)
    print(f"{EXAMPLE.name}: {sum(1 for _ in report.cells())} cells")
    doc = gx.to_json(report)
    t_json = median_time(lambda: json.loads(doc), 9, 50)
    t_layout = median_time(lambda: lay_out(report, spec), 9, 20)
    print("baselines: lay_out (for writing), json.loads of the report's JSON (for reading)")
    print(f"{'read (str, detected)':36} {median_time(lambda: gx.read(text), 9, 5) / t_json:8.1f}x")
    for form in forms(writable=True):
        written = gx.render(report, form.name)
        data = written if isinstance(written, bytes) else written.encode("utf-8")
        assert gx.read(data) == report
        t_render = median_time(lambda form=form: gx.render(report, form.name), 9, 5)
        t_read = median_time(lambda data=data: gx.read(data), 9, 5)
        print(
            f"{form.name:9} render {t_render / t_layout:6.1f}x lay_out"
            f"   read (bytes, detected) {t_read / t_json:6.1f}x json.loads"
        )


if __name__ == "__main__":
    main()
