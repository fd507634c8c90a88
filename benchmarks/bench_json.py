"""The JSON round trip of a report against an equivalent pydantic v2 model, side by side.

The pydantic model holds the same cells as the report (value, raw text, and where the
cell was read), line by line and column by column, with undeclared keys forbidden at
every level, as :func:`gxschema.from_json` forbids them.  Both sides serialize the
example report to JSON text and read it back; the figure is the ratio of the medians
measured in interleaved rounds of the same run (the order of the rows alternating from
round to round), with the garbage collector paused for every row alike, as timeit
pauses it (the machines are shared and noisy, so absolute times mean little; for
repeatable figures count instructions with ``valgrind --tool=callgrind``, a run making
N calls minus a run making none).
A second gxschema row forgets the shared text-form locations before every call: the
cost of a report whose places were never seen before.

pydantic is not a dependency of gxschema; the ``bench`` extra installs it:
``pip install -e '.[bench]'``.

Run: python benchmarks/bench_json.py
"""

from __future__ import annotations

import gc
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any

from _timing import median_time
from pydantic import BaseModel, ConfigDict, create_model

import gxschema as gx
from gxschema._json import _PLACES

ROUNDS = 41
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lucheng-police-2020.txt"


class PLocation(BaseModel):
    """Where a cell was read (the same parts as gxschema's Location)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    line: int | None = None
    column: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None


class PCell(BaseModel):
    """One cell: its value (None when blank), its raw text and its location."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: int | Decimal | None
    raw: str
    source: PLocation | None = None


def pydantic_model(spec: gx.spec.TemplateSpec) -> type[BaseModel]:
    """A pydantic model of a template's report: tables → lines → columns → cells."""
    forbid = ConfigDict(extra="forbid")
    tables: dict[str, Any] = {}
    for table in spec.tables:
        columns: dict[str, Any] = {c.id: (PCell | None, None) for c in table.columns}
        row = create_model(f"Row_{table.id}", __config__=forbid, **columns)
        lines: dict[str, Any] = {ln.id: (row | None, None) for ln in table.lines}
        tables[table.id.replace(".", "_")] = (
            create_model(f"Table_{table.id}", __config__=forbid, **lines) | None,
            None,
        )
    tables_model = create_model("Tables", __config__=forbid, **tables)
    return create_model(
        "PReport", __config__=forbid, template=(str, ...), tables=(tables_model, ...)
    )


def main() -> None:
    report = gx.read(EXAMPLE)
    spec = gx.templates.get(report.template)
    model = pydantic_model(spec)
    data = {
        "template": report.template,
        "tables": {
            tid.replace(".", "_"): {
                ln: {
                    col: {
                        "value": cell.value.value if isinstance(cell.value, gx.Number) else None,
                        "raw": cell.raw,
                        "source": gx.make_converter().unstructure(cell.source),
                    }
                    for col, cell in cols.items()
                }
                for ln, cols in lines.items()
            }
            for tid, lines in report.tables.items()
        },
    }
    theirs_report = model.model_validate(data)
    assert gx.from_json(gx.to_json(report)) == report
    assert model.model_validate_json(theirs_report.model_dump_json()) == theirs_report

    def ours() -> object:
        return gx.from_json(gx.to_json(report))

    def ours_cold() -> object:
        # The same, with the shared text-form locations forgotten before each call.
        _PLACES.clear()
        return gx.from_json(gx.to_json(report))

    def theirs() -> object:
        return model.model_validate_json(theirs_report.model_dump_json())

    rows = [
        ("gxschema to_json + from_json", ours),
        ("  the same, locations not shared", ours_cold),
        ("pydantic v2 dump_json + validate", theirs),
    ]
    # Interleaved rounds, so that a change in the machine's load hits every row alike.
    times: dict[str, list[float]] = {name: [] for name, _ in rows}
    for fn in (f for _, f in rows):
        fn()
    gc.collect()
    gc.disable()  # as timeit does: a collection triggered by one row is not charged to it
    try:
        for i in range(ROUNDS):
            # The order alternates too, so that no row always runs after the same one.
            for name, fn in rows if i % 2 == 0 else rows[::-1]:
                times[name].append(median_time(fn, repeat=1, number=20, warm_up=False))
    finally:
        gc.enable()
    base = statistics.median(times[rows[-1][0]])
    n_cells = len(list(report.cells()))
    print(f"JSON round trip of the example report ({n_cells} cells), medians of {ROUNDS} rounds")
    for name, _ in rows:
        print(f"{name:34} {statistics.median(times[name]) / base:6.2f} × pydantic v2")


if __name__ == "__main__":
    main()
