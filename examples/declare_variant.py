"""Declare a provincial variant of the 2019 template and check a report against it.

The variant adds one row to 第二十条第（一）项, an alias for a label, and a soft rule of
its own; everything else is inherited, nothing is copied.

Run: python examples/declare_variant.py
"""

from __future__ import annotations

from pathlib import Path

import gxschema as gx
from gxschema import dsl
from gxschema.dsl import this
from gxschema.templates import NATIONAL_2019

HERE = Path(__file__).resolve().parent
Documents = NATIONAL_2019.tables[0]  # 第二十条第（一）项 of the 2019 template


@dsl.table()
class MyDocuments(Documents):  # type: ignore[misc, valid-type]
    """第二十条第（一）项 with one more row, as some provinces print it."""

    # A new line takes the shape (the columns) of the lines it joins.
    other_documents = dsl.line("其他主动公开文件")
    normative = dsl.amend(aliases=("规范性文件（含部门文件）",))

    documents_published = dsl.rule(
        "MY.published",
        this.rules + this.normative + this.other_documents >= 0,
        severity="warning",
        en="{where}: published documents cannot be negative in total",
        zh="{where}：公开文件总数不能为负",
    )


MY_TEMPLATE = NATIONAL_2019.extend("my-province-2019", tables=[MyDocuments])


def main() -> None:
    spec = gx.templates.register(MY_TEMPLATE)
    table = spec.table("s2.art20_1")
    print([ln.label for ln in table.lines])
    print([r.id for r in table.rules])
    report = gx.read(HERE / "lucheng-police-2020.txt", template="my-province-2019")
    # The example report has no 其他主动公开文件 row: the reason says so.
    print(next(d.reason for d in report.detection if d.table == "s2.art20_1"))
    print(sorted({v.rule for v in gx.validate(report)}))
    gx.templates.unregister("my-province-2019")


if __name__ == "__main__":
    main()
