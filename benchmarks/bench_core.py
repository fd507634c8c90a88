"""How long reading, validating and serializing one report take, against baselines.

Figures are ratios against a named baseline measured in the same run, because the
machines this runs on are shared and noisy:

* read (label matching against every registered template) against a bare tab split
  of the same text (the floor any reader of this layout pays);
* validate against summing the same cells' values in plain Python (the floor of
  evaluating the same constraints without intervals, blanks or messages);
* JSON round trip against orjson on a plain dict of the same values.

Run: python benchmarks/bench_core.py
"""

from __future__ import annotations

from pathlib import Path

import orjson
from _timing import median_time

import gxschema as gx

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lucheng-police-2020.txt"


def main() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    report = gx.read(text)
    spec = gx.templates.get(report.template)

    def bare_split() -> list[list[str]]:
        return [block.split("\t") for block in text.split("\n\n")]

    plain = {
        (t, r, c): cell.value.value if isinstance(cell.value, gx.Number) else 0
        for t, r, c, cell in report.cells()
    }
    forms = [(c.table, c.linear()) for c in spec.constraints]

    def plain_sums() -> int:
        bad = 0
        for table, (weights, const) in forms:
            total = const + sum(w * plain.get((table, r, c), 0) for (r, c), w in weights.items())
            bad += total != 0
        return bad

    flat = {f"{t}/{r}/{c}": str(v) for (t, r, c), v in plain.items()}

    rows = [
        ("read (all templates)", lambda: gx.read(text), "bare tab split", bare_split),
        (
            "read (template given)",
            lambda: gx.read(text, template=spec),
            "bare tab split",
            bare_split,
        ),
        ("validate", lambda: gx.validate(report), "plain sums", plain_sums),
        (
            "JSON round trip",
            lambda: gx.from_json(gx.to_json(report)),
            "orjson plain dict",
            lambda: orjson.loads(orjson.dumps(flat)),
        ),
    ]
    print(f"{'operation':24} {'ms':>8}   {'baseline':20} {'ms':>8} {'ratio':>8}")
    for name, fn, base_name, base in rows:
        ours, theirs = (
            median_time(fn, number=20, warm_up=False),
            median_time(base, number=20, warm_up=False),
        )
        print(
            f"{name:24} {ours * 1e3:8.3f}   {base_name:20} {theirs * 1e3:8.3f} {ours / theirs:8.1f}"
        )


if __name__ == "__main__":
    main()
