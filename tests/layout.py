"""Build tab-layout text (DOMAIN §6.1) from a spec and values, for reader tests.

Labels come from the spec, never spelled here; ``relabel`` lets a test print them the
ways real reports do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import gxschema as gx

Values = Mapping[tuple[str, str, str], str]


def tab_text(
    spec: gx.spec.TemplateSpec,
    values: Values,
    *,
    year: int = 2020,
    relabel: Callable[[str], str] = lambda s: s,
    line_order: Callable[[list[gx.spec.LineSpec]], list[gx.spec.LineSpec]] = lambda ls: ls,
    extra_rows: Mapping[str, list[list[str]]] | None = None,
) -> str:
    """Write a report in the tab layout: headings, caption rows, header rows, data rows.

    Args:
        spec: the template.
        values: cell text by (table, line, column); missing cells print "0".
        year: the year in the title line.
        relabel: how labels are printed.
        line_order: the order data rows are printed in.
        extra_rows: per table id, rows of cells appended after its data rows.
    """
    out = [f"示例单位{year}年政府信息公开工作年度报告", ""]
    section = None
    for table in spec.tables:
        if table.section != section:
            section = table.section
            out += [relabel(section), ""]
        if table.layout == "flat":
            out += _flat(table, values, relabel)
            continue
        if table.label != table.section.split("、", 1)[-1]:
            out += [f"\t{relabel(table.label)}", ""]
        header = [table.corner or ""] + [relabel(c.label) for c in table.columns]
        out += ["\t" + "\n\t".join(header), ""]
        seen: set[str] = set()
        for line in line_order(list(table.lines)):
            cells = []
            for head in line.path:
                cells.append("" if head in seen else relabel(head))
                seen.add(head)
            cells.append(relabel(line.label))
            cells += [values.get((table.id, line.id, c.id), "0") for c in table.columns]
            out += ["\t" + "\n\t".join(cells), ""]
        for row in (extra_rows or {}).get(table.id, []):
            out += ["\t" + "\n\t".join(row), ""]
    return "\n".join(out) + "\n"


def _flat(table: gx.spec.TableSpec, values: Values, relabel: Callable[[str], str]) -> list[str]:
    heads = []
    for line in table.lines:
        heads += [relabel(line.label)] + [""] * (len(table.columns) - 1)
    labels = [relabel(c.label) for c in table.columns] * len(table.lines)
    data = [values.get((table.id, ln.id, c.id), "0") for ln in table.lines for c in table.columns]
    return ["\t" + "\n\t".join(row) + "\n" for row in (heads, labels, data)]
