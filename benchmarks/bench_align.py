"""The aligner on generated messy reports: how often it is exact, ambiguous or wrong, and its time.

For each national template and each messy form (``crawled`` page text, ``converted``
Markdown, ``pdf-text``), N reports are generated from the declarations
(``gxschema.strategies.reports``) and written in that form
(``gxschema.strategies.renderings``), then read back with ``gx.read`` (the template
given).  Each reading is:

* **exact** — every cell read, every value right, no ambiguity;
* **ambiguous** — no value wrong, every cell not read named in ``report.ambiguities``;
  the ambiguity is *genuine* when each one lists at least two readings, the true one
  among them (the rules really leave the choice), else the reader left open what the
  rules might have determined;
* **wrong** — a value read differs from the report's, or a cell is neither read nor
  named (the property says this never happens).

The figures are printed per form and template: wrong readings, exact readings, the
share exact *where the rules determine the reading* (exact / (all - genuinely
ambiguous)), ambiguous readings, and the share of cells read right.
Time: the median per report of reading the messy form (tokenizing, aligning, cutting)
against the grid reader reading the same report written in the tab layout (``text``),
in the same run, and their ratio.  The aim is a median of at most 20 ms.

Run: python benchmarks/bench_align.py [N]   (default N = 1000)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema.strategies import renderings, reports

TEMPLATES = ("national-2019", "national-2021")
FORMS = ("crawled", "converted", "pdf-text")


def genuine(expected: gx.Report, got: gx.Report) -> bool:
    """Whether every ambiguity lists two readings or more, the report's own among them."""
    for a in got.ambiguities:
        truth = []
        for line, column in a.cells:
            cell = expected.cell(a.table, line, column)
            truth.append(None if cell is None else cell.value)
        readings = [
            [
                gx.values.parse_value(raw, k.kind, unit=k.unit)
                for raw, k in zip(r, kinds, strict=True)
            ]
            for r in a.readings
            for kinds in [[got_spec(expected).table(a.table).column(c) for _, c in a.cells]]
        ]
        if len(readings) < 2 or truth not in readings:
            return False
    return True


def got_spec(report: gx.Report) -> gx.spec.TemplateSpec:
    """The spec a report was generated with."""
    assert report.spec is not None
    return report.spec


def outcome(expected: gx.Report, got: gx.Report) -> tuple[str, int, int]:
    """(exact / ambiguous / wrong, cells read right, cells in all)."""
    open_ = {(a.table, cell) for a in got.ambiguities for cell in a.cells}
    right = total = 0
    wrong = False
    for table, line, column, cell in expected.cells():
        total += 1
        mine = got.cell(table, line, column)
        if mine is None:
            wrong |= (table, (line, column)) not in open_
        elif mine.value != cell.value:
            wrong = True
        else:
            right += 1
    if wrong:
        return "wrong", right, total
    if not open_:
        return "exact", right, total
    return ("genuine" if genuine(expected, got) else "ambiguous"), right, total


def run(template: str, form: str, n: int) -> None:
    spec = gx.templates.get(template)
    counts: Counter[str] = Counter()
    cells = [0, 0]
    messy_ms: list[float] = []
    grid_ms: list[float] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        report = data.draw(reports(spec))
        rendering = data.draw(renderings(report, form))
        t0 = time.perf_counter()
        got = gx.read(rendering.content, form=rendering.form, template=template)
        messy_ms.append((time.perf_counter() - t0) * 1e3)
        clean = gx.render(report, "text")
        t0 = time.perf_counter()
        gx.read(clean, form="text", template=template)
        grid_ms.append((time.perf_counter() - t0) * 1e3)
        kind, right, total = outcome(report, got)
        counts[kind] += 1
        cells[0] += right
        cells[1] += total

    one()
    done = sum(counts.values())
    messy, grid = statistics.median(messy_ms), statistics.median(grid_ms)
    ambiguous = counts["ambiguous"] + counts["genuine"]
    determined = done - counts["genuine"]
    print(
        f"{template:14} {form:10} n={done:5}  wrong {counts['wrong']:4}  "
        f"exact {100 * counts['exact'] / done:6.2f}%  "
        f"exact where determined {100 * counts['exact'] / max(determined, 1):6.2f}%  "
        f"ambiguous {100 * ambiguous / done:6.2f}% "
        f"(genuine {100 * counts['genuine'] / done:5.2f}%)  "
        f"cells read right {100 * cells[0] / cells[1]:6.2f}%  "
        f"median {messy:6.2f} ms vs grid reader {grid:6.2f} ms (ratio {messy / grid:4.2f})"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for template in TEMPLATES:
        for form in FORMS:
            run(template, form, n)


if __name__ == "__main__":
    main()
