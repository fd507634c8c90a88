"""Reading and writing the example report in every form, through the form registry.

For each form gxschema writes: ``gx.render`` (layout, then the form's writer) and
``gx.read`` of the written document as bytes, its form detected from the content (the
readers' own sniffers, then the form's reader, then the mapper over every registered
template).  Also the layout alone, and the text form read back as ``str``.

Run: python benchmarks/bench_codecs.py
"""

from __future__ import annotations

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
    print(f"{'read (str, detected)':36} {median_time(lambda: gx.read(text), 9, 5) * 1e3:8.2f} ms")
    t_layout = median_time(lambda: lay_out(report, spec), 9, 20)
    print(f"{'lay_out (the grid every writer writes)':36} {t_layout * 1e3:8.2f} ms")
    for form in forms(writable=True):
        written = gx.render(report, form.name)
        data = written if isinstance(written, bytes) else written.encode("utf-8")
        assert gx.read(data) == report
        t_render = median_time(lambda form=form: gx.render(report, form.name), 9, 5)
        t_read = median_time(lambda data=data: gx.read(data), 9, 5)
        print(
            f"{form.name:9} render {t_render * 1e3:8.2f} ms"
            f"   read (bytes, detected) {t_read * 1e3:8.2f} ms"
        )


if __name__ == "__main__":
    main()
