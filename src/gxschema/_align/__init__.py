"""The aligner: read any text by aligning what is printed to the declaration.

Used where the grid readers find no table, or an incomplete one: crawled page text
whose cells ran together, Markdown converted from a PDF, PDFs without ruling lines.
The input's grid is cut into tokens (:mod:`._tokens`), each table's region is found
and its declared lines aligned with the tokens (:mod:`._place`), and the values are
read, runs of digits cut by the declared rules (:mod:`._split`).  Every cell says how
it was read (``Cell.how``): ``label`` (after its line's label), ``order`` (by order,
its line's label missing), ``split`` (cut from a run of digits by the rules) or
``joined`` (digits broken over lines); undetermined cells are left out and named in
``Report.ambiguities``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from gxschema._align._place import Placed, Slot, place, place_displaced, regions, slots
from gxschema._align._split import solve
from gxschema._align._tokens import Token, tokenize
from gxschema._cell import Cell
from gxschema._grid import Grid, GridCell, GridRow
from gxschema._metadata import read_metadata
from gxschema._report import Ambiguity, Detection, Location, Paragraph, Report
from gxschema._spec import TableSpec, TemplateSpec

__all__ = ["Aligned", "align", "complete", "covered", "text_grid"]


class Aligned:
    """One template's alignment: its cost, cells and ambiguities."""

    def __init__(self, spec: TemplateSpec, cost: float, found: int) -> None:
        self.spec = spec
        self.cost = cost
        self.found = found
        self.tables: dict[str, dict[str, dict[str, Cell]]] = {}
        self.ambiguities: list[Ambiguity] = []
        self.detection: list[Detection] = []
        self.placed: list[tuple[str, list[Placed], list[Slot]]] = []


Memo = dict[tuple[object, ...], tuple[float, list[Placed | None]]]


def _place(
    tokens: Sequence[Token], todo: list[Slot], span: tuple[int, int], memo: Memo
) -> tuple[float, list[Placed | None]]:
    """Place a table's slots, once per distinct declaration and region."""
    sig = (span, _declared(todo))
    got = memo.get(sig)
    if got is None:
        got = place(tokens[span[0] : span[1]], todo)
        memo[sig] = got
    cost, placed = got
    return cost, [
        p if p is None or p.slot is s else Placed(s, p.anchor, p.score, p.values, p.loose)
        for s, p in zip(todo, placed, strict=True)
    ]


_DECLARED: dict[int, tuple[TableSpec, tuple[object, ...]]] = {}


def _declared(todo: list[Slot]) -> tuple[object, ...]:
    """What placing a table's slots depends on (the same for the same declaration)."""
    table = todo[0].table
    got = _DECLARED.get(id(table))
    if got is None or got[0] is not table:
        if len(_DECLARED) > 256:
            _DECLARED.clear()
        sig = (
            table.layout,
            tuple(c.id for c in table.columns),
            tuple((tuple(ln.id for ln in s.lines), s.keys, s.width) for s in todo),
        )
        got = (table, sig)
        _DECLARED[id(table)] = got
    return got[1]


def _align_one(tokens: Sequence[Token], spec: TemplateSpec, memo: Memo) -> Aligned:
    spans = regions(tokens, spec)
    total = 0.0
    found = 0
    per_table: list[tuple[str, list[Placed], list[Slot]]] = []
    displaced: list[str] = []
    for table in spec.tables:
        todo = slots(table)
        if table.id not in spans:
            total += 2.0 * len(todo)
            continue
        cost, placed = _place(tokens, todo, spans[table.id], memo)
        total += cost
        kept = [p for p in placed if p is not None]
        lost = [s for s, p in zip(todo, placed, strict=True) if p is None]
        if table.layout != "flat" and not any(p.anchor for p in kept):
            # Not one of its lines found by label: values placed by order alone could
            # belong to any table, so the table is not taken as found (its rows may
            # have been printed further on, see below).
            total += 2.0 * len(todo) - cost
            displaced.append(table.id)
            continue
        found += sum(1 for p in kept if p.anchor)
        per_table.append((table.id, kept, lost))
    for table_id in displaced:
        got = _displaced(tokens, spec, spans, table_id, per_table)
        if got is not None:
            kept, lost = got
            found += len(kept)
            total -= sum(1.0 + p.score for p in kept)
            per_table.append((table_id, kept, lost))
    order = {t.id: n for n, t in enumerate(spec.tables)}
    per_table.sort(key=lambda e: order[e[0]])
    out = Aligned(spec, total, found)
    out.placed = per_table
    return out


def _displaced(
    tokens: Sequence[Token],
    spec: TemplateSpec,
    spans: dict[str, tuple[int, int]],
    table_id: str,
    per_table: list[tuple[str, list[Placed], list[Slot]]],
) -> tuple[list[Placed], list[Slot]] | None:
    """A table found by its caption alone, its rows looked for further on in its section.

    The rows are looked for among the tokens no other table used, up to the end of the
    section's last table (:func:`~gxschema._align._place.place_displaced`).
    """
    table = spec.table(table_id)
    section = spec.section_of(table)
    start, end = spans[table_id]
    ends = [
        spans[t.id][1]
        for t in spec.tables
        if t.id in spans and section is not None and spec.section_of(t) == section
    ]
    stop = max([end, *ends])
    used = {
        id(t) for _, kept, _ in per_table for p in kept for t in (*p.anchor, *p.values, *p.loose)
    }
    rest = [t for t in tokens[end:stop] if id(t) not in used]
    todo = slots(table)
    placed = place_displaced(tokens[start:end], rest, todo)
    if placed is None:
        return None
    kept = [p for p in placed if p is not None]
    lost = [s for s, p in zip(todo, placed, strict=True) if p is None]
    return kept, lost


def _read(out: Aligned, prose: str) -> Aligned:
    """Read the values of the placed lines of the template kept."""
    spec = out.spec
    for table_id, kept, lost in out.placed:
        table = spec.table(table_id)
        reading = solve(table, kept, prose)
        cells: dict[str, dict[str, Cell]] = {}
        for line in table.lines:
            for column in table.columns:
                got = reading.cells.get((line.id, column.id))
                if got is None:
                    continue
                raw, tok, how, value = got
                cells.setdefault(line.id, {})[column.id] = Cell(
                    value, raw, tok.location, inferred=how != "label", how=how
                )
        if cells:
            out.tables[table_id] = cells
        for keys, readings, why in reading.open:
            out.ambiguities.append(Ambiguity(table_id, keys, readings, why))
        for slot in lost:
            why = "its values were not found where the declaration places them"
            out.ambiguities.append(Ambiguity(table_id, tuple(slot.cells), (), why))
        by_label = sum(1 for p in kept if p.anchor)
        reason = (
            f"aligned: {by_label} of {len(table.lines) if table.layout != 'flat' else 1} "
            f"lines found by label, {len(kept) - by_label} by order"
        )
        if reading.notes:
            reason += "; " + "; ".join(reading.notes)
        out.detection.append(Detection(table_id, spec.id, reason))
    for table in spec.tables:
        if table.id not in out.tables:
            out.detection.append(Detection(table.id, spec.id, "not found in the input"))
    return out


MAX_ALIGN_CHARS = 200_000
"""The most text the aligner reads (a report's text is ~10,000–50,000 characters)."""


def align(grid: Grid, candidates: Sequence[TemplateSpec]) -> Report | None:
    """Read a grid by aligning its text with each candidate's declaration.

    Args:
        grid: what a reader found, in any form.
        candidates: the templates to try; the one that aligns at least cost is kept.

    Returns:
        The report (cells marked with how they were read, undetermined cells in
        ``ambiguities``), or None when no table of any candidate was found.
    """
    if sum(len(c.text) for row in grid.rows for c in row.cells) > MAX_ALIGN_CHARS:
        return None  # far beyond a report: aligning it would cost seconds for nothing
    tokens = tokenize(grid)
    prose_rows = [
        Paragraph(row.cells[0].text, row.location)
        for row in grid.rows
        if row.heading and row.cells and row.cells[0].text.strip()
    ]
    evidence = "\n".join(c.text for row in grid.rows for c in row.cells)
    best: Aligned | None = None
    memo: Memo = {}
    for spec in candidates:
        got = _align_one(tokens, spec, memo)
        if not got.placed:
            continue
        if best is None or (got.cost, -got.found) < (best.cost, -best.found):
            best = got
    if best is None:
        return None
    best = _read(best, evidence)
    order = {t.id: n for n, t in enumerate(best.spec.tables)}
    detection = sorted(best.detection, key=lambda d: order.get(d.table, 0))
    return Report(
        template=best.spec.id,
        tables=best.tables,
        source=grid.source,
        detection=tuple(detection),
        prose=tuple(prose_rows),
        metadata=read_metadata(
            [p.text for p in prose_rows], grid.source, [p.source for p in prose_rows]
        ),
        ambiguities=tuple(best.ambiguities),
        spec=best.spec,
    )


def _complete(report: Report, spec: TemplateSpec) -> bool:
    """Whether the report holds every cell its template declares (a line at a time)."""
    tables = report.tables
    for table in spec.tables:
        columns = {c.id for c in table.columns}
        if not columns:
            continue
        rows = tables.get(table.id, {})
        for line in table.lines:
            cols = rows.get(line.id)
            if cols is None or not cols.keys() >= columns:
                return False
    return True


def complete(report: Report, grid: Grid) -> Report:
    """Fill the cells a grid reading lacks from the aligner, when they agree.

    The aligner is run with the report's own template; its cells are added only where
    the grid reading has none, and only when every cell both readings have is the
    same (else the grid reading is kept as it is).

    Args:
        report: the grid readers' report.
        grid: the grid it was read from.

    Returns:
        The report, completed where the aligner could.
    """
    spec = report.spec
    if spec is None:
        return report
    if _complete(report, spec):
        return report
    aligned = align(grid, [spec])
    if aligned is None:
        return report
    added = 0
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    for table_id, line_id, column_id, cell in aligned.cells():
        mine = report.cell(table_id, line_id, column_id)
        if mine is not None:
            if mine.value != cell.value:
                return report
            continue
        tables.setdefault(table_id, {}).setdefault(line_id, {})[column_id] = cell
        added += 1
    if not added and not aligned.ambiguities:
        return report
    order = {t.id: [ln.id for ln in t.lines] for t in spec.tables}
    ordered = {
        t.id: {ln: tables[t.id][ln] for ln in order[t.id] if ln in tables[t.id]}
        for t in spec.tables
        if t.id in tables
    }
    filled = {t for t, _, _, _ in aligned.cells() if t not in report.tables}
    detection = tuple(
        next((d for d in aligned.detection if d.table == det.table), det)
        if det.table in filled
        else det
        for det in report.detection
    )
    known = {
        (t, k)
        for t, rows in ordered.items()
        for ln, cols in rows.items()
        for k in [(ln, c) for c in cols]
    }
    ambiguities = tuple(
        a for a in aligned.ambiguities if not all((a.table, k) in known for k in a.cells)
    )
    return attrs.evolve(
        report, tables=ordered, detection=detection, ambiguities=report.ambiguities + ambiguities
    )


def text_grid(text: str, source: str) -> Grid:
    """A grid of a text's lines, each a line of free text, for the aligner alone.

    Used when a text form's reader refuses the text's layout (a crawled page whose
    tab-separated cells run to hundreds on one line): the aligner needs only the order
    of what is printed.

    Args:
        text: the text.
        source: its name.

    Returns:
        One heading row per non-empty line, located by its line number.
    """
    rows = tuple(
        GridRow((GridCell(line, Location(line=n)),), Location(line=n), heading=True)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip()
    )
    return Grid(rows, source, "plain")


def covered(report: Report) -> bool:
    """True when every declared cell of the report's template is read or named ambiguous."""
    spec = report.spec
    if spec is None:
        return False
    open_ = {(a.table, k) for a in report.ambiguities for k in a.cells}
    return all(
        report.cell(t.id, ln.id, c.id) is not None or (t.id, (ln.id, c.id)) in open_
        for t in spec.tables
        for ln, c in t.cells()
    )
