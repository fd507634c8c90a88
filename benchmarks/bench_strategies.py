"""Cost of ``reports()`` per example, against ``st.builds`` of the same attrs classes.

The baseline draws the template's own declared table and row classes with
``st.builds`` (a cell of every line and column, values drawn independently, no rule
respected): what drawing reports costs without consistency.  ``reports()`` draws a
consistent report by construction.  Both run the same number of examples through
``@given`` in the same process; the ratio is what consistency costs.  The one-off work
per template (finding its solutions, a few linear programmes) is timed separately.

Run: python benchmarks/bench_strategies.py
"""

from __future__ import annotations

import time

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl
from gxschema.strategies import reports
from gxschema.strategies._reports import _basis

N = 300


def builds_of(template: dsl.Template) -> st.SearchStrategy[tuple[object, ...]]:
    """st.builds over the declared table and row classes, every cell drawn on its own."""
    cell = st.builds(gx.Cell, value=st.builds(gx.Number, st.integers(0, 10_000)), raw=st.just(""))
    tables = []
    for table_cls in template.tables:
        lines = {}
        for line in attrs.fields(table_cls):
            row_cls = line.metadata["gxschema"].row
            lines[line.name] = st.builds(
                row_cls, **{col.name: cell for col in attrs.fields(row_cls)}
            )
        tables.append(st.builds(table_cls, **lines))
    return st.tuples(*tables)


def per_example(strategy: st.SearchStrategy[object]) -> float:
    """Seconds per example over N examples drawn by @given."""
    count = 0

    @settings(
        max_examples=N,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(_: object) -> None:
        nonlocal count
        count += 1

    t0 = time.perf_counter()
    run()
    return (time.perf_counter() - t0) / max(count, 1)


def main() -> None:
    print(f"{'template':16} {'basis (once)':>13} {'reports()':>12} {'st.builds':>12} {'ratio':>7}")
    for tid in ("national-2019", "national-2021"):
        template = gx.templates.declaration(tid)
        t0 = time.perf_counter()
        _basis(template.spec)
        once = time.perf_counter() - t0
        ours = per_example(reports(template.spec))
        base = per_example(builds_of(template))
        print(
            f"{tid:16} {once * 1e3:10.0f} ms {ours * 1e3:9.2f} ms {base * 1e3:9.2f} ms"
            f" {ours / base:7.2f}"
        )


if __name__ == "__main__":
    main()
