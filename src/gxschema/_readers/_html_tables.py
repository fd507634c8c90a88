"""Which tables of a parsed page are data and which are layout.

A leaf table (one holding no table) is data.  A table holding tables is data when it is
a grid with more cells of its own than any table nested in it (a report table with a
small table in a cell); any other is layout: the page is laid out in it.  The HTML
reader (:mod:`gxschema._readers._html`) reads data tables as tables and walks into
layout ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from selectolax.lexbor import LexborNode

__all__ = ["data_tables", "grid_like", "nested_tables", "own_rows", "table_ancestors"]

_CELL_TAGS = ("td", "th")


def table_ancestors(tables: list[LexborNode]) -> set[int]:
    """The nodes holding a table (by ``mem_id``): a table among them is layout.

    Each node is added once and each walk up stops at a node already added, so this
    is linear in the size of the page however deep the nesting.
    """
    seen: set[int] = set()
    for table in tables:
        node = table.parent
        while node is not None and node.mem_id not in seen:
            seen.add(node.mem_id)
            node = node.parent
    return seen


_UP_TO_TABLE = 64  # how far up a nested table's enclosing table is looked for


def own_rows(table: LexborNode) -> list[int]:
    """How many cells each of a table's own rows has (nested tables' rows not counted)."""
    widths = []
    for child in table.iter():
        trs = (
            [tr for tr in child.iter() if tr.tag == "tr"]
            if child.tag in ("thead", "tbody", "tfoot")
            else [child]
            if child.tag == "tr"
            else []
        )
        widths += [sum(1 for td in tr.iter() if td.tag in _CELL_TAGS) for tr in trs]
    return widths


def grid_like(widths: Sequence[int], rows: int, cells: int) -> bool:
    """Whether at least ``rows`` of these row widths have ``cells`` cells or more."""
    return sum(1 for w in widths if w >= cells) >= rows


def nested_tables(tables: list[LexborNode]) -> dict[int, list[LexborNode]]:
    """The tables directly nested in each table holding some (by the outer's ``mem_id``)."""
    out: dict[int, list[LexborNode]] = {}
    for table in tables:
        node = table.parent
        for _ in range(_UP_TO_TABLE):
            if node is None or node.tag == "table":
                break
            node = node.parent
        if node is not None and node.tag == "table":
            out.setdefault(node.mem_id, []).append(table)
    return out


def data_tables(tables: list[LexborNode], nested: dict[int, list[LexborNode]]) -> set[int]:
    """The tables holding tables that are data, not layout (by ``mem_id``).

    A table with a table inside one of its cells is data when it is a grid (three rows of
    three cells or more) with more cells of its own than any table nested in it has: a
    report table with a small table in a cell, not a page laid out in a table.
    """
    data = set()
    for table in tables:
        inner = nested.get(table.mem_id)
        if not inner:
            continue
        widths = own_rows(table)
        if grid_like(widths, 3, 3) and sum(widths) > max(len(n.css("td, th")) for n in inner):
            data.add(table.mem_id)
    return data
