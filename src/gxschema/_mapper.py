"""From a neutral grid to a report, by matching labels against a template's spec.

The mapper knows nothing of input forms.  It walks the grid's rows in order and, for
one template spec at a time:

* follows the tables: a caption row (``第二十条第（一）项``), a section heading, or a row
  whose label belongs to another table's lines switches the current table;
* resolves the value columns from the header rows above the first data row, by their
  labels (a group label such as ``法人或其他组织`` stands for its members), and falls
  back to the declared order only when the header says nothing, saying so;
* matches each data row by its last non-empty label cell — exactly after
  normalisation, or by item number and likeness within the current heading when the
  printed label is damaged — never by position;
* keeps rows and columns the template does not know as extras.

:func:`map_grid` tries every candidate template and keeps the one whose labels fit
best, recording per table why.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import attrs

from gxschema._grid import Grid, GridCell, GridRow
from gxschema._labels import enumerator, normalize_label, similarity
from gxschema._report import Cell, Detection, Extra, Location, Report
from gxschema._spec import ColumnSpec, Constraint, LineSpec, TableSpec, TemplateSpec
from gxschema._values import ValueParseError, looks_like_value, parse_value
from gxschema.exceptions import ParseError

__all__ = ["map_grid"]

_STRIP = " \t\r\n\u00a0\u3000"
_YEAR = re.compile(r"(20[1-9]\d)\s*年")
_FUZZY_MIN = 0.6
T_ = TypeVar("T_", ColumnSpec, LineSpec)
_HEADER_ROWS = 6  # header rows considered when resolving columns


_value_like = looks_like_value  # the value codec's one test of what a value looks like


@attrs.define
class _Placed:
    """A physical value column: a declared (line, column), or an unknown header."""

    line: str | None
    column: str | None
    label: str = ""


@attrs.define
class _TableState:
    spec: TableSpec
    header_rows: list[GridRow] = attrs.field(factory=list)
    layout: list[_Placed] | None = None
    layout_fixed: bool = False  # set once a data row was read with the layout
    layout_rows: int = -1  # how many header rows the layout was resolved from
    layout_note: str = ""
    cells: dict[str, dict[str, Cell]] = attrs.field(factory=dict)
    matched: int = 0
    fuzzy: list[str] = attrs.field(factory=list)
    header_hits: int = 0
    header_misses: int = 0
    errors: int = 0
    notes: list[str] = attrs.field(factory=list)
    context: tuple[str, ...] = ()


@attrs.define
class _Outcome:
    spec: TemplateSpec
    tables: dict[str, _TableState]
    extras: list[Extra]
    errors: list[ParseError]

    def table_score(self, table_id: str) -> float | None:
        """How well one table's labels fit; None when the table was not found."""
        state = self.tables.get(table_id)
        if state is None or not state.cells:
            return None
        missing = len(state.spec.lines) - len(state.cells)
        extras = sum(1 for e in self.extras if e.table == table_id and e.axis == "row")
        return (
            state.matched
            - 0.5 * len(state.fuzzy)
            - 2 * missing
            # A header whose labels the declaration does not know is strong evidence
            # against it: weigh misses above hits.
            + state.header_hits
            - 2 * state.header_misses
            - 2 * extras
            - 2 * state.errors
        )

    def score(self) -> float:
        return sum(self.table_score(t) or 0.0 for t in self.tables)


def _norm(text: str) -> str:
    return normalize_label(text)


class _Mapper:
    def __init__(self, grid: Grid, spec: TemplateSpec) -> None:
        self.grid = grid
        self.spec = spec
        self.states: dict[str, _TableState] = {}
        self.extras: list[Extra] = []
        self.errors: list[ParseError] = []
        self.current: _TableState | None = None
        self.pending: list[GridRow] = []
        self.section: str | None = None
        self.captions = {_norm(t.label): t for t in spec.tables}
        self.sections: dict[str, list[TableSpec]] = {}
        for t in spec.tables:
            if t.section:
                self.sections.setdefault(_norm(t.section), []).append(t)
        self.line_keys: dict[str, list[tuple[TableSpec, LineSpec]]] = {}
        for t in spec.tables:
            for ln in t.lines:
                for key in ln.keys:
                    self.line_keys.setdefault(key, []).append((t, ln))

    # -- table tracking ------------------------------------------------------------

    def state(self, table: TableSpec) -> _TableState:
        if table.id not in self.states:
            self.states[table.id] = _TableState(spec=table)
        return self.states[table.id]

    def switch(self, table: TableSpec, carry: bool) -> None:
        st = self.state(table)
        if st is not self.current:
            self.current = st
            if carry:
                st.header_rows.extend(self.pending)
        self.pending = []

    def section_of(self, text: str) -> str | None:
        key = _norm(text)
        for sec in self.sections:
            # Headings vary in length (五、… 存在的主要问题…); match on the prefix.
            if key == sec or key.startswith(sec) or (len(key) >= 6 and sec.startswith(key)):
                return sec
        return None

    # -- the walk ----------------------------------------------------------------------

    def run(self) -> _Outcome:
        for row in self.grid.rows:
            if row.heading:
                self.heading(row)
            else:
                self.table_row(row)
        return _Outcome(self.spec, self.states, self.extras, self.errors)

    def heading(self, row: GridRow) -> None:
        text = row.cells[0].text
        key = _norm(text)
        if key in self.captions:
            self.switch(self.captions[key], carry=False)
            return
        sec = self.section_of(text)
        if sec is not None:
            self.section = sec
            tables = self.sections[sec]
            if len(tables) == 1:
                self.switch(tables[0], carry=False)
            else:
                self.current = None
                self.pending = []

    def table_row(self, row: GridRow) -> None:
        texts = [c.text for c in row.cells]
        nonempty = [t for t in texts if t.strip()]
        if len(nonempty) == 1 and _norm(nonempty[0]) in self.captions:
            self.switch(self.captions[_norm(nonempty[0])], carry=False)
            return
        if self.current is not None and self.try_data(self.current, row):
            return
        # A row whose label belongs to another table moves us there.
        for table in self.candidates_for(row):
            if self.current is not None and table.id == self.current.spec.id:
                continue
            st = self.state(table)
            previous, self.current = self.current, st
            st.header_rows.extend(self.pending)
            if self.try_data(st, row):
                self.pending = []
                return
            self.current = previous
            del st.header_rows[len(st.header_rows) - len(self.pending) :]
        flat = self.flat_table_named_in(row)
        if flat is not None and (self.current is None or self.current.spec.id != flat.id):
            self.switch(flat, carry=True)
        if self.extra_row(row):
            return
        self.pending = [*self.pending[-_HEADER_ROWS:], row]
        if self.current is not None:
            self.current.header_rows.append(row)

    def flat_table_named_in(self, row: GridRow) -> TableSpec | None:
        keys = {_norm(t) for t in row.texts if t.strip()}
        for t in self.spec.tables:
            if t.layout == "flat" and any(k in ln.keys for ln in t.lines for k in keys):
                return t
        return None

    def candidates_for(self, row: GridRow) -> list[TableSpec]:
        found: list[TableSpec] = []
        for text in row.texts:
            for table, _line in self.line_keys.get(_norm(text), ()):
                if table.layout == "grid" and table not in found:
                    found.append(table)
        return found

    # -- columns -------------------------------------------------------------------

    def resolve_layout(self, st: _TableState) -> None:
        if st.layout_fixed or st.layout_rows == len(st.header_rows):
            return
        st.layout_rows = len(st.header_rows)
        resolved = resolve_columns(st.spec, st.header_rows[-_HEADER_ROWS:])
        st.layout = resolved.layout
        st.layout_note = resolved.note
        st.header_hits, st.header_misses = resolved.hits, resolved.misses

    # -- rows ----------------------------------------------------------------------

    def match_line(self, st: _TableState, label: str) -> tuple[LineSpec | None, bool]:
        key = _norm(label)
        if not key:
            return None, False
        exact = [ln for ln in st.spec.lines if key in ln.keys]
        if len(exact) > 1 and st.context:
            exact = [ln for ln in exact if _norm_path(ln.path)[-len(st.context) :] == st.context]
        if exact:
            return exact[0], False
        number = enumerator(key)
        if number is None:
            return None, False
        best: tuple[float, LineSpec | None] = (0.0, None)
        for ln in st.spec.lines:
            lkey = _norm(ln.label)
            if enumerator(lkey) != number:
                continue
            if st.context and _norm_path(ln.path)[-len(st.context) :] != st.context:
                continue
            score = similarity(key, lkey)
            if score > best[0]:
                best = (score, ln)
        if best[1] is not None and best[0] >= _FUZZY_MIN:
            return best[1], True
        return None, False

    def try_data(self, st: _TableState, row: GridRow) -> bool:
        table = st.spec
        if table.layout == "flat":
            return self.try_flat(st, row)
        if not any(c.text.strip() for c in row.cells):
            return False
        self.resolve_layout(st)
        assert st.layout is not None
        width = len(st.layout)
        cells = list(row.cells)
        found = self.split_row(st, cells, width)
        if found is None and cells and not cells[-1].text.strip():
            # Empty cells after the values: span leftovers of a form that cannot merge.
            trimmed = list(cells)
            while trimmed and not trimmed[-1].text.strip():
                trimmed.pop()
            found = self.split_row(st, trimmed, width)
        if found is None:
            return self.try_ran_together(st, cells, width)
        line, label, value_cells, fuzzy = found
        return self.accept(st, line, label, value_cells, fuzzy)

    def split_row(
        self, st: _TableState, cells: list[GridCell], width: int
    ) -> tuple[LineSpec, GridCell, list[GridCell], bool] | None:
        """Match a row whose last ``width`` cells are its values; None when it is not one."""
        if len(cells) <= width:
            return None
        labels = [c for c in cells[: len(cells) - width] if c.text.strip()]
        if not labels or any(_value_like(c.text) for c in labels):
            return None  # a number among the labels: the values start elsewhere
        matched = self.match_labels(st, labels)
        if matched is None:
            return None
        line, label, fuzzy = matched
        return line, label, cells[len(cells) - width :], fuzzy

    def match_labels(
        self, st: _TableState, labels: list[GridCell]
    ) -> tuple[LineSpec, GridCell, bool] | None:
        """Match a row's label cells to a line; heading cells before it set the context.

        The last label cell is tried first, then the last two or three joined (a label
        broken over cells, as plain text and page breaks leave it).
        """
        table = st.spec
        context = list(st.context)
        for c in labels[:-1]:
            key = _norm(c.text)
            if key in table.headings:
                context = self.context_for(table, key)
        saved = st.context
        st.context = tuple(context)
        for n in (1, 2, 3):
            if n > len(labels):
                break
            text = "".join(c.text for c in labels[-n:])
            line, fuzzy = self.match_line(st, text)
            if line is not None:
                if len(labels) > n or _norm_path(line.path) != st.context:
                    st.context = _norm_path(line.path)
                if n > 1:
                    st.notes.append(f"label {text!r} joined from {n} cells")
                return line, labels[-1], fuzzy
        st.context = saved
        return None

    def accept(
        self,
        st: _TableState,
        line: LineSpec,
        label: GridCell,
        value_cells: Sequence[GridCell],
        fuzzy: bool,
        *,
        inferred: bool = False,
    ) -> bool:
        table = st.spec
        assert st.layout is not None
        if line.id in st.cells:
            self.extras.append(
                Extra(
                    table.id, "row", label.text, tuple(c.text for c in value_cells), label.location
                )
            )
            return True
        st.matched += 1
        st.layout_fixed = True
        if fuzzy:
            st.fuzzy.append(f"{label.text!r} read as {line.label!r}")
        cells = self.parse_cells(table, line, st.layout, value_cells)
        if inferred:
            cells = {k: attrs.evolve(c, inferred=True) for k, c in cells.items()}
        st.cells[line.id] = cells
        return True

    def try_ran_together(self, st: _TableState, cells: list[GridCell], width: int) -> bool:
        """Split values that ran together (``230 000023``) when exactly one split fits.

        Only the split that satisfies every error-severity rule of the line (in section
        三, 总计 = the sum of the others) is taken, and its cells are marked inferred;
        when several splits fit, or none does, the row is kept whole as an extra.
        """
        start = len(cells)
        while start > 0 and _DIGITS.fullmatch(cells[start - 1].text.strip(_STRIP) or "x"):
            start -= 1
        values = cells[start:]
        labels = [c for c in cells[:start] if c.text.strip()]
        if not values or len(values) >= width or not labels:
            return False
        matched = self.match_labels(st, labels)
        if matched is None:
            return False
        line, label, fuzzy = matched
        assert st.layout is not None
        digits = [_fold_digits(c.text.strip(_STRIP)) for c in values]
        checks = [
            c
            for c in st.spec.constraints
            if c.rule.scope == "line" and c.at == line.id and c.rule.severity == "error"
        ]
        columns = [p.column for p in st.layout]
        solutions = _splits(digits, width, columns, checks)
        shown = " ".join(c.text.strip() for c in values)
        if len(solutions) == 1:
            [pieces] = solutions
            origin = [c for c, d in zip(values, digits, strict=True) for _ in range(len(d))]
            split_cells = []
            for k, piece in enumerate(pieces):
                # Each piece keeps the location of the printed cell it came from.
                owner = origin[sum(len(p) for p in pieces[:k])]
                split_cells.append(GridCell(piece, owner.location))
            st.notes.append(
                f"{label.text.strip()!r}: values {shown!r} ran together; split as "
                f"{'|'.join(pieces)}, the only split its rules allow"
            )
            return self.accept(st, line, label, split_cells, fuzzy, inferred=True)
        why = "several splits fit its rules" if solutions else "no split fits its rules"
        st.notes.append(
            f"{label.text.strip()!r}: values {shown!r} ran together and {why}; kept as an extra"
        )
        self.extras.append(
            Extra(st.spec.id, "row", label.text, tuple(c.text for c in values), label.location)
        )
        return True

    def context_for(self, table: TableSpec, key: str) -> list[str]:
        for ln in table.lines:
            path = _norm_path(ln.path)
            if key in path:
                return list(path[: path.index(key) + 1])
        return [key]

    def try_flat(self, st: _TableState, row: GridRow) -> bool:
        cells = list(row.cells)
        start = len(cells)
        while start > 0 and _value_like(cells[start - 1].text):
            start -= 1
        values = cells[start:]
        self.resolve_layout(st)
        assert st.layout is not None
        if not any(c.text.strip() for c in values) and (
            st.cells or len(cells) != len(st.layout) or not st.header_rows
        ):
            # An all-blank row is the data row only right under the header, whole.
            return False
        if len(values) < len(st.layout):
            return False
        label = next((c for c in reversed(cells[:start]) if c.text.strip()), None)
        if st.cells or len(values) > len(st.layout):
            # A second data row, or more values than the header has columns: which value
            # belongs where cannot be known, so keep the row whole rather than guess.
            self.extras.append(
                Extra(
                    st.spec.id,
                    "row",
                    label.text if label else "",
                    tuple(c.text for c in values),
                    (label or values[0]).location,
                )
            )
            return True
        for placed, cell in zip(st.layout, values, strict=True):
            assert placed.line is not None
            assert placed.column is not None
            line = st.spec.line(placed.line)
            column = st.spec.column(placed.column)
            st.cells.setdefault(line.id, {})[column.id] = self.parse_one(
                st.spec, line, column, cell
            )
        st.matched += len({p.line for p in st.layout})
        st.layout_fixed = True
        return True

    def parse_one(
        self, table: TableSpec, line: LineSpec, column: ColumnSpec, cell: GridCell
    ) -> Cell:
        try:
            value = parse_value(cell.text, column.kind, unit=column.unit)
        except ValueParseError as exc:
            self.state(table).errors += 1
            self.errors.append(
                ParseError(
                    f"table {table.id}, line {line.label!r}, column {column.label!r}: {exc}",
                    source=self.grid.source,
                    location=cell.location,
                )
            )
            return Cell(raw=cell.text, source=cell.location)
        return Cell(value=value, raw=cell.text, source=cell.location)

    def parse_cells(
        self,
        table: TableSpec,
        line: LineSpec,
        layout: Sequence[_Placed],
        cells: Sequence[GridCell],
    ) -> dict[str, Cell]:
        out: dict[str, Cell] = {}
        for placed, cell in zip(layout, cells, strict=True):
            if placed.column is None:
                self.extras.append(
                    Extra(table.id, "column", placed.label, (cell.text,), cell.location)
                )
                continue
            out[placed.column] = self.parse_one(table, line, table.column(placed.column), cell)
        return out

    def extra_row(self, row: GridRow) -> bool:
        """Keep a row that holds values but matched no line, whole, as an extra."""
        cells = list(row.cells)
        if not any(c.text.strip() and _value_like(c.text) for c in cells):
            return False
        start = len(cells)
        while start > 0 and _value_like(cells[start - 1].text):
            start -= 1
        label = next((c for c in reversed(cells[:start]) if c.text.strip()), None)
        rest = cells[start:] if label is not None else cells
        self.extras.append(
            Extra(
                self.current.spec.id if self.current is not None else "",
                "row",
                label.text if label is not None else "",
                tuple(c.text for c in rest),
                (label or rest[0]).location,
            )
        )
        return True


@attrs.frozen
class _Resolved:
    layout: list[_Placed]
    note: str
    hits: int
    misses: int


_FUZZY_HEADER = 0.8


def _token(
    text: str, table: TableSpec, candidates: Sequence[tuple[str, object]]
) -> tuple[str, object, bool]:
    """Classify a header text as ("item", spec, fuzzy), ("head", key, fuzzy) or "unknown"."""
    key = _norm(text)
    best: tuple[float, str, object] = (0.0, "", None)
    for cand_key, item in candidates:
        if cand_key == key:
            return ("head" if isinstance(item, str) else "item", item, False)
    for cand_key, item in candidates:
        score = similarity(key, cand_key)
        if score > best[0]:
            best = (score, cand_key, item)
    if best[0] >= _FUZZY_HEADER:
        return ("head" if isinstance(best[2], str) else "item", best[2], True)
    return ("unknown", text, False)


def _ordered(items: Sequence[T_], declared: Sequence[T_], rows: Sequence[Sequence[T_]]) -> list[T_]:
    """Order items as the header rows show them.

    Pairs never named in one row keep the declared order: a row's cells give positions
    only relative to each other.
    """
    positions = [{item: i for i, item in enumerate(row)} for row in rows]

    def cmp(a: T_, b: T_) -> int:
        for pos in positions:
            if a in pos and b in pos:
                return pos[a] - pos[b]
        return declared.index(a) - declared.index(b)

    return sorted(items, key=functools.cmp_to_key(cmp))


def resolve_columns(table: TableSpec, header_rows: Sequence[GridRow]) -> _Resolved:
    """Work out which value column is which from the header rows' labels.

    Labels are matched exactly after normalisation, or when nearly equal (a variant
    spelling of a label or group heading).  The order comes from the header rows: two
    columns named in the same row are ordered as that row orders them; columns never
    named together keep the declared order.  One unknown label where exactly one
    declared column is missing is read as that column, by position; other unknown
    labels right of a known one are extra columns.
    """
    skip = {_norm(t) for t in (table.label, table.corner, table.header, table.section) if t}
    candidates: list[tuple[str, object]] = []
    for c in table.columns:
        candidates += [(k, c) for k in c.keys]
        candidates += [(_norm(p), _norm(p)) for p in c.path]
    if table.layout == "flat":
        for ln in table.lines:
            candidates += [(k, ln) for k in ln.keys]
            candidates += [(_norm(p), _norm(p)) for p in ln.path]
    hits = misses = 0
    col_rows: list[list[ColumnSpec | str]] = []
    line_rows: list[list[LineSpec]] = []
    notes: list[str] = []
    for hrow in header_rows:
        cols: list[ColumnSpec | str] = []
        lines: list[LineSpec] = []
        for text in hrow.texts:
            key = _norm(text)
            if not key or key in skip or _value_like(text):
                continue
            kind, item, fuzzy = _token(text, table, candidates)
            if kind == "unknown":
                misses += 1
                if cols:  # right of a known column: an extra, or a variant spelling
                    cols.append(text)
                continue
            hits += 1
            if fuzzy and isinstance(item, (ColumnSpec, LineSpec)):
                notes.append(f"header {text.strip()!r} read as {item.label!r}")
            if isinstance(item, ColumnSpec):
                if item not in cols:
                    cols.append(item)
            elif isinstance(item, LineSpec) and item not in lines:
                lines.append(item)
        col_rows.append(cols)
        line_rows.append(lines)
    present = [c for c in table.columns if any(c in row for row in col_rows)]
    unknown = list(dict.fromkeys(t for row in col_rows for t in row if isinstance(t, str)))
    missing = [c for c in table.columns if c not in present]
    if present and len(missing) == 1 and len(unknown) == 1:
        # One label where one declared column is missing: a variant spelling of it.
        notes.append(f"header {unknown[0].strip()!r} read as {missing[0].label!r} by position")
        col_rows = [[missing[0] if t == unknown[0] else t for t in row] for row in col_rows]
        present, unknown, missing = (
            [c for c in table.columns if any(c in row for row in col_rows)],
            [],
            [],
        )
        misses -= 1
    if not present:
        order: list[ColumnSpec | str] = list(table.columns)
        note = "no column header recognised: columns taken in the template's order"
    else:
        known_rows = [[t for t in row if isinstance(t, ColumnSpec)] for row in col_rows]
        order = list(_ordered(present, table.columns, known_rows))
        if table.layout == "grid":
            for text in unknown:  # after the known column left of it
                row = next(r for r in col_rows if text in r)
                anchor = row[: row.index(text)]
                left = next(t for t in reversed(anchor) if isinstance(t, ColumnSpec))
                order.insert(order.index(left) + 1, text)
        note = "columns matched by header labels"
        if missing:
            note += "; header lacks " + ", ".join(c.label for c in missing)
    note = "; ".join([note, *notes])
    if table.layout == "grid":
        layout = [
            _Placed(None, c.id, c.label) if isinstance(c, ColumnSpec) else _Placed(None, None, c)
            for c in order
        ]
        return _Resolved(layout, note, hits, misses)
    seen_lines = [ln for ln in table.lines if any(ln in row for row in line_rows)]
    line_order = _ordered(seen_lines, table.lines, line_rows) if seen_lines else []
    line_order += [ln for ln in table.lines if ln not in line_order]
    if len(seen_lines) < len(table.lines):
        note += "; lines not named in the header taken in the template's order"
    layout = [
        _Placed(ln.id, c.id, c.label)
        for ln in line_order
        for c in order
        if isinstance(c, ColumnSpec)
    ]
    return _Resolved(layout, note, hits, misses)


_DIGITS = re.compile(r"[0-9０-９]+")
_MAX_SPLITS = 20_000  # candidate splits examined per row; beyond it the row is ambiguous


def _fold_digits(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def _splits(
    digits: Sequence[str], width: int, columns: Sequence[str | None], checks: Sequence[Constraint]
) -> list[list[str]]:
    """Return the ways (at most two) to cut digit strings into ``width`` passing numbers.

    A number never starts with 0 unless it is 0.
    """
    found: list[list[str]] = []
    budget = [_MAX_SPLITS]

    def passes(pieces: list[str]) -> bool:
        values = {col: int(p) for col, p in zip(columns, pieces, strict=True) if col is not None}
        for check in checks:
            weights, const = check.linear()
            total = const + sum(w * values.get(col, 0) for (_, col), w in weights.items())
            if total != 0 if check.op == "==" else (total > 0 if check.op == "<=" else total < 0):
                return False
        return True

    def cuts(text: str, parts: int) -> list[list[str]]:
        if parts == 1:
            return [[text]] if text == "0" or not text.startswith("0") else []
        out = []
        first_max = len(text) - parts + 1
        for size in range(1, first_max + 1):
            head = text[:size]
            if len(head) > 1 and head.startswith("0"):
                break
            for rest in cuts(text[size:], parts - 1):
                out.append([head, *rest])
        return out

    def walk(i: int, left: int, acc: list[str]) -> None:
        if len(found) > 1 or budget[0] <= 0:
            return
        if i == len(digits):
            if left == 0:
                budget[0] -= 1
                if passes(acc):
                    found.append(list(acc))
            return
        remaining = len(digits) - i - 1
        for parts in range(1, min(len(digits[i]), left - remaining) + 1):
            for pieces in cuts(digits[i], parts):
                walk(i + 1, left - parts, acc + pieces)
                if len(found) > 1 or budget[0] <= 0:
                    return

    if sum(len(d) for d in digits) <= 40:
        walk(0, width, [])
    if budget[0] <= 0 and len(found) < 2:
        return [[], []]  # too many to tell apart: ambiguous
    return found


def _norm_path(path: Sequence[str]) -> tuple[str, ...]:
    return tuple(_norm(p) for p in path)


def _year(grid: Grid) -> int | None:
    for row in grid.rows[:40]:
        if row.heading:
            m = _YEAR.search(row.cells[0].text)
            if m:
                return int(m.group(1))
    return None


def _in_years(spec: TemplateSpec, year: int | None) -> bool:
    if year is None:
        return False
    return (spec.first_year is None or spec.first_year <= year) and (
        spec.last_year is None or year <= spec.last_year
    )


def _shape(table: TableSpec) -> tuple[frozenset[str], frozenset[str]]:
    return (
        frozenset(k for ln in table.lines for k in ln.keys),
        frozenset(k for c in table.columns for k in c.keys),
    )


def _reason(state: _TableState, others: Sequence[_Outcome]) -> str:
    table = state.spec
    parts = [f"{state.matched} of {len(table.lines)} lines matched by label"]
    missing = [ln.label for ln in table.lines if ln.id not in state.cells]
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if state.fuzzy:
        parts.append("damaged labels: " + "; ".join(state.fuzzy))
    if state.layout_note:
        parts.append(state.layout_note)
    parts.extend(state.notes)
    # Name the best template whose declaration of this table differs from the chosen one.
    for outcome in others:
        other = outcome.tables.get(table.id)
        if other is None or _shape(other.spec) == _shape(table):
            continue
        parts.append(
            f"rather than {outcome.spec.id}, which matched {other.matched} of "
            f"{len(other.spec.lines)} lines"
            + (
                f" and left {other.header_misses} header label(s) unknown"
                if other.header_misses
                else ""
            )
        )
        break
    return "; ".join(parts)


def _better_tables(best: _Outcome, others: Sequence[_Outcome]) -> dict[str, str]:
    """Tables another template declares differently and whose labels fit it better."""
    out: dict[str, str] = {}
    ids = list(dict.fromkeys(t for o in (best, *others) for t in o.tables))
    for table_id in ids:
        mine = best.table_score(table_id)
        in_base = any(t.id == table_id for t in best.spec.tables)
        base_shape = _shape(best.spec.table(table_id)) if in_base else None
        top = mine if mine is not None else 0.0
        for other in others:
            score = other.table_score(table_id)
            if score is None or score <= top:
                continue
            if _shape(other.spec.table(table_id)) == base_shape:
                continue
            out[table_id], top = other.spec.id, score
    return out


def map_grid(
    grid: Grid,
    candidates: Sequence[TemplateSpec],
    *,
    compose: Callable[[str, Mapping[str, str]], TemplateSpec] | None = None,
) -> Report:
    """Map a grid to a report with the best-fitting of the candidate templates.

    Args:
        grid: what the reader found.
        candidates: the templates to try (one, when the caller names it).
        compose: when given, a table whose labels fit another candidate's declaration
            better than the best template's is read with that declaration: ``compose``
            returns the spec of the best template with those tables replaced (or added).

    Returns:
        The report, with per-table reasons for the template chosen and every unknown
        row or column kept as an extra.

    Raises:
        ParseError: no table of any candidate was found, or a cell of the chosen
            template's tables cannot be read (the first such cell is named; the message
            counts the others).
    """
    year = _year(grid)
    outcomes = [_Mapper(grid, spec).run() for spec in candidates]
    ranked = sorted(
        enumerate(outcomes),
        key=lambda io: (io[1].score(), _in_years(io[1].spec, year), -io[0]),
        reverse=True,
    )
    best = ranked[0][1]
    others = [o for _, o in ranked[1:]]
    replacements: dict[str, str] = {}
    if compose is not None and others:
        replacements = _better_tables(best, others)
        if replacements:
            base_id = best.spec.id
            best = _Mapper(grid, compose(base_id, replacements)).run()
            replacements = {
                t: f"its labels fit {tpl}'s declaration better than {base_id}'s"
                for t, tpl in replacements.items()
            }
    found = {tid: st for tid, st in best.tables.items() if st.cells}
    if not found:
        raise ParseError(
            f"no table of a known template was found (tried {', '.join(c.id for c in candidates)})",
            source=grid.source,
            location=Location(line=1) if grid.form == "text" else None,
        )
    if best.errors:
        first = best.errors[0]
        more = len(best.errors) - 1
        if more:
            raise ParseError(
                f"{first.message} (and {more} more unreadable cell{'s' if more > 1 else ''})",
                source=first.source,
                location=first.location,
            )
        raise first
    detection = []
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for table in best.spec.tables:
        state = best.tables.get(table.id)
        if state is None or not state.cells:
            detection.append(Detection(table.id, best.spec.id, "not found in the input"))
            continue
        ordered = {ln.id: state.cells[ln.id] for ln in table.lines if ln.id in state.cells}
        tables[table.id] = ordered
        reason = _reason(state, others)
        if table.id in replacements:
            reason = f"{replacements[table.id]}; {reason}"
        detection.append(Detection(table.id, best.spec.id, reason))
    return Report(
        template=best.spec.id,
        tables=tables,
        source=grid.source,
        detection=tuple(detection),
        extras=tuple(best.extras),
    )
