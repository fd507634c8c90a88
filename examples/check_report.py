"""Read a report, print its template, the reason per table, and every violation.

Run: python examples/check_report.py [FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import gxschema as gx

HERE = Path(__file__).resolve().parent


def main(path: Path) -> int:
    report = gx.read(path)
    print(f"{path.name}: template {report.template}")
    for d in report.detection:
        print(f"  {d.table}: {d.reason}")
    violations = gx.validate(report)
    for v in violations:
        print(f"  {v.rule} [{v.severity}, {v.status}] {v.table} @ {v.at}: {v.message_en}")
    errors = [v for v in violations if v.severity == "error" and v.status == "fail"]
    print(f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "lucheng-police-2020.txt"))
