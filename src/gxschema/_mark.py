"""The line gxschema's writers end a document with, and what the reader takes from it.

A rendered report ends with one line naming the template it was laid out with
(``（gxschema 模板 national-2021）``), and, when there are any, the cells of its written
lines the report does not hold (``；缺 s3/new/research``) and the cells a reader had to
infer (``；推断 s3/new/total``).  :func:`gxschema.read` honours the line, so a round
trip through any form is exact where the document alone could not say: the template
is not detected again (a national-2021 report lacking the lines only that template has
would read as hybrid-2021), a cell written empty because the report lacks it comes
back absent, not BLANK, and ``inferred`` survives.

The line is only a hint about cells it names: a listed cell that reads non-blank (an
edited document) keeps what it reads, and an unknown template id is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from gxschema._grid import Grid
from gxschema._report import Cell, Report
from gxschema._values import BLANK

__all__ = ["Mark", "apply_mark", "find_mark", "mark_line"]

Key = tuple[str, str, str]

_LINE = re.compile(r"（gxschema 模板 ([^\s；（）]+)((?:；[^；（）]+)*)）")
_MISSING = "缺"
_INFERRED = "推断"


@attrs.frozen
class Mark:
    """What a document's gxschema line says.

    Attributes:
        template: the template id it was laid out with.
        missing: the cells written empty because the report does not hold them.
        inferred: the cells the report had inferred.
    """

    template: str
    missing: frozenset[Key] = frozenset()
    inferred: frozenset[Key] = frozenset()


def _keys(cells: Iterable[Key]) -> str:
    return " ".join("/".join(k) for k in cells)


def mark_line(template: str, missing: Iterable[Key] = (), inferred: Iterable[Key] = ()) -> str:
    """The line a writer ends a document with."""
    parts = [f"（gxschema 模板 {template}"]
    if missing := list(missing):
        parts.append(f"{_MISSING} {_keys(missing)}")
    if inferred := list(inferred):
        parts.append(f"{_INFERRED} {_keys(inferred)}")
    return "；".join(parts) + "）"


def _parse_keys(text: str) -> frozenset[Key]:
    out = set()
    for word in text.split():
        parts = word.split("/")
        if len(parts) == 3:
            out.add((parts[0], parts[1], parts[2]))
    return frozenset(out)


def find_mark(grid: Grid) -> Mark | None:
    """The gxschema line of a grid: its last row, when that is one; else None."""
    if not grid.rows:
        return None
    last = grid.rows[-1]
    if not last.heading or len(last.cells) != 1:
        return None
    m = _LINE.fullmatch(last.cells[0].text.strip())
    if m is None:
        return None
    missing: frozenset[Key] = frozenset()
    inferred: frozenset[Key] = frozenset()
    for part in m.group(2).split("；")[1:]:
        word, _, rest = part.strip().partition(" ")
        if word == _MISSING:
            missing = _parse_keys(rest)
        elif word == _INFERRED:
            inferred = _parse_keys(rest)
    return Mark(m.group(1), missing, inferred)


def apply_mark(report: Report, mark: Mark) -> Report:
    """The report with the cells the line names absent (if read empty) or inferred.

    The line itself is taken out of the report's prose.
    """
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    changed = False
    for tid, lines in report.tables.items():
        new_lines: dict[str, dict[str, Cell]] = {}
        for lid, cells in lines.items():
            row: dict[str, Cell] = {}
            for cid, cell in cells.items():
                key = (tid, lid, cid)
                if key in mark.missing and cell.value is BLANK and not cell.raw.strip():
                    changed = True
                    continue
                if key in mark.inferred and not cell.inferred:
                    cell = attrs.evolve(cell, inferred=True)
                    changed = True
                row[cid] = cell
            if row:
                new_lines[lid] = row
            else:
                changed = True
        if new_lines:
            tables[tid] = new_lines
    prose = tuple(p for p in report.prose if _LINE.fullmatch(p.text.strip()) is None)
    if not changed and len(prose) == len(report.prose):
        return report
    return attrs.evolve(report, tables=tables, prose=prose)
