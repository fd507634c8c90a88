"""How long diagnosing a broken report takes, against validating the same report.

Reports come from ``broken_reports(template)`` (one slip each, from the slip registry:
a line left 0, a blank, a digit transposed, dropped or doubled, a neighbour swap, a
copied value, a wrong sign, a miscount), drawn with a fixed seed.  For each report the
figure is the median of a few runs of ``gx.diagnose``; the baseline is ``gx.validate``
of the same report, which any diagnosis must at least do.  One core, one process: the
machines this runs on are shared and noisy, so read the ratio rather than the
milliseconds.

The second table measures how often the rules single out a corrupted cell: a
consistent report gets one rule cell damaged (shift, transposed or dropped or doubled
digit, wrong sign, blank; each table with rules as likely to be hit), and an oracle
independent of the diagnosis (``tests/oracles.py``, the one the tests use: solve a
failing equality for each cell all failing rules share, then validate) says whether that
cell is the only one whose change repairs the report.  When it is, the best explanation
must restore it; the table says how often it does (100 % expected) and how often the
best explanation contains the damaged cell overall.

Run: python benchmarks/bench_diagnose.py [N]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

from _draw import drawn
from _timing import median_time
from hypothesis import strategies as st

import gxschema as gx
from gxschema._diagnose import diagnose
from gxschema.strategies import broken_reports, reports

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
from tests.oracles import rule_cells, single_cell_repairs, with_values

Key = tuple[str, str, str]
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100


def errors(report: gx.Report) -> list[gx.Violation]:
    return gx.validate(report, severity=("error",))


def damage(value: int, how: int, where: int) -> int | None:
    digits = str(value)
    j = where % len(digits)
    if how == 0 and value:
        return None  # blank
    if how == 1 and value:
        return -value
    if how == 2 and len(digits) >= 2 and digits[j - 1] != digits[j] and (j > 1 or digits[1] != "0"):
        return int(digits[: j - 1] + digits[j] + digits[j - 1] + digits[j + 1 :])
    if how == 3 and len(digits) >= 2 and (j or digits[1] != "0"):
        return int(digits[:j] + digits[j + 1 :])
    if how == 4 and value:
        return int(digits[: j + 1] + digits[j:])
    return value + 1 + where % 9


def corrupted(template: str) -> st.SearchStrategy[tuple[gx.Report, Key, int]]:
    """A consistent report with one rule cell damaged; each table is as likely."""
    by_table: dict[str, list[Key]] = {}
    for key in rule_cells(gx.templates.get(template)):
        by_table.setdefault(key[0], []).append(key)
    cells = st.sampled_from(sorted(by_table)).flatmap(lambda t: st.sampled_from(by_table[t]))

    def build(args: tuple[gx.Report, Key, int, int]) -> tuple[gx.Report, Key, int]:
        report, key, how, where = args
        cell = report.cell(*key)
        assert cell is not None
        old = int(cell.value.value)  # type: ignore[union-attr]
        return with_values(report, {key: damage(old, how, where)}), key, old

    return st.tuples(reports(template), cells, st.integers(0, 5), st.integers(0, 99)).map(build)


def timing(template: str) -> dict[str, Any]:
    cases = [r for r, expected, _ in drawn(broken_reports(template), N) if expected]
    diag = []
    valid = []
    for report in cases:
        diagnose(report)
        diag.append(median_time(lambda r=report: diagnose(r), 3, 1, warm_up=False))
        valid.append(median_time(lambda r=report: gx.validate(r), 11, 1, warm_up=False))
    d, v = statistics.median(diag), statistics.median(valid)
    return {
        "n": len(cases),
        "diagnose": d,
        "p90": statistics.quantiles(diag, n=10)[-1],
        "max": max(diag),
        "validate": v,
    }


def uniqueness(template: str) -> dict[str, Any]:
    spec = gx.templates.get(template)
    broken = unique = restored = contains = 0
    by_table: dict[str, list[int]] = {}
    for report, key, old in drawn(corrupted(template), N):
        if not errors(report):
            continue
        broken += 1
        best = diagnose(report)[0]
        found = {(c.table, c.line_id, c.column_id): c.proposed for c in best.changes}
        contains += key in found
        repairs = single_cell_repairs(report, spec)
        blank = report.cell(*key).value is gx.BLANK  # type: ignore[union-attr]
        tally = by_table.setdefault(key[0], [0, 0])
        tally[0] += 1
        if repairs == {key: old} or (blank and repairs.get(key) == old):
            unique += 1
            tally[1] += 1
            restored += found == {key: old}
    return {
        "broken": broken,
        "unique": unique,
        "restored": restored,
        "contains": contains,
        "tables": ", ".join(f"{t} {u}/{n}" for t, (n, u) in sorted(by_table.items())),
    }


def main() -> None:
    diagnose(gx.read(gx.render(drawn(broken_reports("national-2019"), 1)[0][0], "text")))
    print(f"diagnosis per broken report, {N} drawn per template (median over reports)")
    print(
        f"{'template':16} {'reports':>7} {'diagnose':>10} {'p90':>8} {'max':>8}"
        f" {'validate':>10} {'ratio':>7}"
    )
    for tid in gx.templates.available():
        t = timing(tid)
        print(
            f"{tid:16} {t['n']:7d} {t['diagnose'] * 1e3:7.2f} ms {t['p90'] * 1e3:5.1f} ms"
            f" {t['max'] * 1e3:5.1f} ms {t['validate'] * 1e3:7.2f} ms"
            f" {t['diagnose'] / t['validate']:7.1f}"
        )
    print()
    print("one corrupted cell: how often the rules single it out, and what the diagnosis does")
    print(
        f"{'template':16} {'broken':>7} {'unique':>12} {'restored':>12} {'contains':>12}"
        "   unique by table"
    )
    for tid in gx.templates.available():
        u = uniqueness(tid)
        b, k, r, c = u["broken"], u["unique"], u["restored"], u["contains"]
        print(
            f"{tid:16} {b:7d} {k:5d} ({k / b:4.0%}) {r:5d} ({r / max(k, 1):4.0%})"
            f" {c:5d} ({c / b:4.0%})   {u['tables']}"
        )


if __name__ == "__main__":
    main()
