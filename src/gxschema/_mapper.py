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

import re
from collections.abc import Callable, Mapping, Sequence

import attrs

from gxschema._grid import Grid, GridCell, GridRow
from gxschema._labels import enumerator, normalize_label, similarity
from gxschema._report import Cell, Detection, Extra, Location, Report
from gxschema._spec import ColumnSpec, LineSpec, TableSpec, TemplateSpec
from gxschema._values import ValueParseError, parse_value
from gxschema.exceptions import ParseError

__all__ = ["map_grid"]

_VALUE_LIKE = re.compile(
    r"^[\s\u00a0\u3000]*([+\-−－]|增加|减少|增|减)?[\s\u00a0\u3000]*"
    r"[0-9０-９][0-9０-９,，.．]*[\s\u00a0\u3000]*(万元|亿元|万|亿|元|件|项|个|次|人|家)?"
    r"[\s\u00a0\u3000]*$"
)
_BLANK_LIKE = frozenset({"", "-", "—", "–", "/", "无", "空", "－", "／"})
_YEAR = re.compile(r"(20[1-9]\d)\s*年")
_FUZZY_MIN = 0.6
_HEADER_ROWS = 6  # header rows considered when resolving columns



def _value_like(text: str) -> bool:
    stripped = text.strip().strip("\u00a0\u3000")
    return stripped in _BLANK_LIKE or bool(_VALUE_LIKE.match(text))


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
    layout_note: str = ""
    cells: dict[str, dict[str, Cell]] = attrs.field(factory=dict)
    matched: int = 0
    fuzzy: list[str] = attrs.field(factory=list)
    header_hits: int = 0
    header_misses: int = 0
    errors: int = 0
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
            + 0.5 * state.header_hits
            - state.header_misses
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
        if self.current is not None and self.extra_row(self.current, row):
            return
        self.pending.append(row)
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
        if st.layout_fixed:
            return
        table = st.spec
        skip = {_norm(t) for t in (table.label, table.corner, table.header, table.section) if t}
        col_by_key = {k: c for c in table.columns for k in c.keys}
        col_groups = {_norm(p): p for c in table.columns for p in c.path}
        line_by_key = {k: ln for ln in table.lines for k in ln.keys}
        line_groups = {_norm(p) for ln in table.lines for p in ln.path}
        columns: list[object] = []  # ColumnSpec | ("group", key) | ("extra", label)
        seen_cols: list[ColumnSpec] = []
        lines: list[object] = []
        seen_lines: list[LineSpec] = []
        hits = misses = 0
        # Only the rows just above the data count; it also keeps hostile inputs linear.
        for hrow in st.header_rows[-_HEADER_ROWS:]:
            known_left = False
            for text in hrow.texts:
                if not text.strip():
                    continue
                key = _norm(text)
                if key in skip:
                    continue
                if key in col_by_key:
                    hits += 1
                    known_left = True
                    col = col_by_key[key]
                    if col not in seen_cols:
                        seen_cols.append(col)
                        if not any(
                            p_key in col_groups and ("group", p_key) in columns
                            for p_key in (_norm(p) for p in col.path)
                        ):
                            columns.append(col)
                elif key in col_groups:
                    hits += 1
                    known_left = True
                    if ("group", key) not in columns:
                        columns.append(("group", key))
                elif table.layout == "flat" and key in line_by_key:
                    hits += 1
                    ln = line_by_key[key]
                    if ln not in seen_lines:
                        seen_lines.append(ln)
                        if not any(("group", _norm(p)) in lines for p in ln.path):
                            lines.append(ln)
                elif table.layout == "flat" and key in line_groups:
                    hits += 1
                    if ("group", key) not in lines:
                        lines.append(("group", key))
                elif known_left and table.layout == "grid" and not _value_like(text):
                    misses += 1
                    columns.append(("extra", text))
        st.header_hits, st.header_misses = hits, misses

        def expand(items: list[object], seen: Sequence[object], members: object) -> list[object]:
            out: list[object] = []
            for item in items:
                if isinstance(item, tuple) and item[0] == "group":
                    group = [m for m in members(item[1])]  # type: ignore[operator]
                    ordered = [m for m in seen if m in group] + [m for m in group if m not in seen]
                    out.extend(ordered)
                else:
                    out.append(item)
            return out

        cols = expand(
            columns,
            seen_cols,
            lambda g: [c for c in table.columns if g in {_norm(p) for p in c.path}],
        )
        declared = [c for c in cols if isinstance(c, ColumnSpec)]
        if not declared:
            cols = list(table.columns)
            st.layout_note = "no column header: columns taken in the template's order"
        else:
            missing = [c for c in table.columns if c not in declared]
            st.layout_note = "columns matched by header labels"
            if missing:
                st.layout_note += "; header lacks " + ", ".join(c.label for c in missing)
        if table.layout == "grid":
            st.layout = [
                _Placed(None, c.id, c.label)
                if isinstance(c, ColumnSpec)
                else _Placed(None, None, str(c[1]))  # type: ignore[index]
                for c in cols
            ]
            return
        flat_lines = expand(
            lines,
            seen_lines,
            lambda g: [ln for ln in table.lines if g in {_norm(p) for p in ln.path}],
        )
        line_list = [ln for ln in flat_lines if isinstance(ln, LineSpec)] or list(table.lines)
        if not lines:
            st.layout_note += "; no line labels in the header: lines in the template's order"
        st.layout = [
            _Placed(ln.id, c.id, c.label)
            for ln in line_list
            for c in cols
            if isinstance(c, ColumnSpec)
        ]

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
        if not any(c.text.strip() for c in row.cells):
            return False
        if table.layout == "flat":
            return self.try_flat(st, row)
        self.resolve_layout(st)
        assert st.layout is not None
        width = len(st.layout)
        if len(row.cells) <= width:
            return False
        label_cells = row.cells[: len(row.cells) - width]
        value_cells = row.cells[len(row.cells) - width :]
        labels = [c for c in label_cells if c.text.strip()]
        if not labels:
            return False
        # Heading cells before the label set the context (（三）不予公开 …).
        context = list(st.context)
        for c in labels[:-1]:
            key = _norm(c.text)
            if key in table.headings:
                context = self.context_for(table, key)
        saved = st.context
        st.context = tuple(context)
        line, fuzzy = self.match_line(st, labels[-1].text)
        if line is None:
            st.context = saved
            return False
        if len(labels) > 1 or _norm_path(line.path) != st.context:
            st.context = _norm_path(line.path)
        if line.id in st.cells:
            self.extras.append(
                Extra(
                    table.id,
                    "row",
                    labels[-1].text,
                    tuple(c.text for c in value_cells),
                    labels[-1].location,
                )
            )
            return True
        st.matched += 1
        st.layout_fixed = True
        if fuzzy:
            st.fuzzy.append(f"{labels[-1].text!r} read as {line.label!r}")
        st.cells[line.id] = self.parse_cells(table, line, st.layout, value_cells)
        return True

    def context_for(self, table: TableSpec, key: str) -> list[str]:
        for ln in table.lines:
            path = _norm_path(ln.path)
            if key in path:
                return list(path[: path.index(key) + 1])
        return [key]

    def try_flat(self, st: _TableState, row: GridRow) -> bool:
        texts = [c.text for c in row.cells]
        if not all(_value_like(t) for t in texts):
            return False
        self.resolve_layout(st)
        assert st.layout is not None
        if len(row.cells) < len(st.layout) or st.cells:
            return False
        values = row.cells[len(row.cells) - len(st.layout) :]
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
        if len(row.cells) > len(st.layout):
            for cell in row.cells[: len(row.cells) - len(st.layout)]:
                self.extras.append(Extra(st.spec.id, "column", "", (cell.text,), cell.location))
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

    def extra_row(self, st: _TableState, row: GridRow) -> bool:
        """Keep a row of values under an unknown label as an extra, if it is one."""
        if st.spec.layout != "grid" or st.layout is None:
            return False
        width = len(st.layout)
        if len(row.cells) <= width:
            return False
        values = row.cells[len(row.cells) - width :]
        labels = [c for c in row.cells[: len(row.cells) - width] if c.text.strip()]
        if not labels or not all(_value_like(c.text) for c in values):
            return False
        if all(_value_like(c.text) for c in labels):
            return False
        self.extras.append(
            Extra(
                st.spec.id,
                "row",
                labels[-1].text,
                tuple(c.text for c in values),
                labels[-1].location,
            )
        )
        return True


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
