"""From a neutral grid to a report, by matching labels against the candidate templates.

The mapper knows nothing of input forms.  It walks the grid's rows once, following the
tables by the labels of every candidate template at once (:mod:`gxschema._labelindex`):

* a caption row (``第二十条第（一）项``), a section heading, or a row whose label
  belongs to another table's lines switches the current table;
* each row of a table is tried against each distinct declaration of that table among
  the candidates (one, unless the candidates disagree about the table);
* the value columns are resolved from the header rows above the first data row, by
  their labels (:mod:`gxschema._columns`);
* each data row is matched by its last non-empty label cell — exactly after
  normalisation, or by item number and likeness within the current heading when the
  printed label is damaged — never by position;
* rows and columns the template does not know are kept as extras.

Then :func:`map_grid` keeps the template whose labels fit best, table by table
(:mod:`gxschema._detection`), and builds the report from the declarations chosen.
Values are parsed once per distinct text, kind and unit; cells are built only for the
declarations kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

from gxschema._columns import HEADER_ROWS, STRIP, resolve_columns, value_like
from gxschema._detection import choose, grid_year
from gxschema._grid import Grid, GridCell, GridRow
from gxschema._labelindex import (
    HEADERS_KEPT,
    MATCHES_KEPT,
    ROW_CHARS_KEPT,
    VALUES_PER_COLUMN,
    LabelIndex,
    PlannedColumn,
    RowSplit,
    label_index,
    same_plan,
)
from gxschema._labels import enumerator, normalize_label, similarity_at_least
from gxschema._model import table_model
from gxschema._report import Extra, Location, Report
from gxschema._runtogether import DIGITS, fold_digits, splits
from gxschema._spec import ColumnSpec, LineSpec, TemplateSpec
from gxschema._tablestate import (
    Read,
    TableState,
    build_report,
    parsed,
    printed_row,
    row_extra,
)
from gxschema._values import ValueParseError
from gxschema.exceptions import ParseError

__all__ = ["NoTableFound", "map_grid"]


class NoTableFound(ParseError):
    """No table of any candidate template was found in the grid.

    The aligner (:mod:`gxschema._align`) may still find the tables in text whose cells
    ran together.
    """


_FUZZY_MIN = 0.6


def _joined_note(texts: tuple[str, ...], joined: int) -> str:
    """The note of a label joined from its last ``joined`` cells; "" for one cell."""
    if joined <= 1:
        return ""
    return f"label {''.join(texts[-joined:])!r} joined from {joined} cells"


class _Unseen:
    """The mark of a label not matched before."""


_UNSEEN = _Unseen()


class _Mapper:
    """One pass over a grid: the rows routed to tables, each table's declarations fed."""

    def __init__(self, grid: Grid, index: LabelIndex) -> None:
        self.grid = grid
        self.index = index
        self.slots: dict[str, list[TableState]] = {}  # table id → one per declaration
        self.extras: list[tuple[int, Extra]] = []  # rows of no declaration's own
        self.row_extras: dict[str, int] = {}
        self.current: str | None = None
        self.pending: list[GridRow] = []
        self.section: str | None = None
        self.seq = itertools.count()  # orders extras and errors as the document does
        self.texts: dict[int, tuple[str, ...]] = {}  # id of a table row of the grid → texts
        # The last value cells read, when all were readable: their key, plan and reading.
        self.last_read: (
            tuple[tuple[int, int, bool], list[PlannedColumn], dict[str, Read], object] | None
        ) = None

    # -- table tracking ------------------------------------------------------------

    def states(self, table_id: str) -> list[TableState]:
        slot = self.slots.get(table_id)
        if slot is None:
            slot = [TableState(labels) for labels in self.index.labels[table_id]]
            self.slots[table_id] = slot
        return slot

    def switch(self, table_id: str, carry: bool) -> None:
        if table_id != self.current:
            self.current = table_id
            if carry:
                for st in self.states(table_id):
                    st.header_rows.extend(self.pending)
            else:
                self.states(table_id)
        self.pending = []

    def keep(self, st: TableState | None, extra: Extra) -> None:
        """Keep an extra: one declaration's (``st``), or whichever is chosen (None)."""
        if st is not None:
            st.extras.append((next(self.seq), extra))
            return
        self.extras.append((next(self.seq), extra))
        if extra.axis == "row" and extra.table:
            self.row_extras[extra.table] = self.row_extras.get(extra.table, 0) + 1

    # -- the walk ----------------------------------------------------------------------

    def run(self) -> None:
        for row in self.grid.rows:
            if row.heading:
                self.heading(row)
            else:
                self.table_row(row)

    def heading(self, row: GridRow) -> None:
        caption, sec = self.index.heading_facts(row.cells[0].text)
        if caption is not None:
            self.switch(caption, carry=False)
            return
        if sec is not None:
            self.section = sec
            tables = self.index.sections[sec]
            if len(tables) == 1:
                self.switch(tables[0], carry=False)
            else:
                self.current = None
                self.pending = []

    def table_row(self, row: GridRow) -> None:
        texts = self.texts[id(row)] = tuple([c.text for c in row.cells])
        blank, caption, candidates, flat = self.index.row_facts(texts)
        if caption is not None:
            self.switch(caption, carry=False)
            return
        if self.current is not None and self.offer(self.current, row, blank):
            return
        # A row whose label belongs to another table moves us there.
        for table_id in candidates:
            if table_id == self.current:
                continue
            states = self.states(table_id)
            carried = len(self.pending)
            for st in states:
                st.header_rows.extend(self.pending)
            if self.offer(table_id, row, blank):
                self.current = table_id
                self.pending = []
                return
            for st in states:
                del st.header_rows[len(st.header_rows) - carried :]
        if flat is not None and self.current != flat:
            self.switch(flat, carry=True)
        extra = row_extra(self.current or "", row, texts)
        if extra is not None:
            self.keep(None, extra)
            return
        self.pending = [*self.pending[-HEADER_ROWS:], row]
        if self.current is not None:
            for st in self.states(self.current):
                st.header_rows.append(row)

    def offer(self, table_id: str, row: GridRow, blank: bool) -> bool:
        """Try a row as data of each declaration of a table; True when one takes it.

        A declaration that does not take a row another one takes keeps it as the mapper
        would keep it without that other declaration: as an extra when it holds values,
        else as a header row.
        """
        states = self.slots.get(table_id) or self.states(table_id)
        if len(states) == 1:
            return self.try_data(states[0], row, blank)
        taken = [self.try_data(st, row, blank) for st in states]
        if not any(taken):
            return False
        for st, took in zip(states, taken, strict=True):
            if not took:
                extra = row_extra(table_id, row, self.texts.get(id(row)))
                if extra is not None:
                    self.keep(st, extra)
                else:
                    st.header_rows.append(row)
        return True

    # -- columns -------------------------------------------------------------------

    def resolve_layout(self, st: TableState) -> None:
        if st.layout_fixed or st.layout_rows == len(st.header_rows):
            return
        st.layout_rows = len(st.header_rows)
        rows = st.header_rows[-HEADER_ROWS:]
        # Header rows repeat the template's labels from report to report: remembered.
        known = st.labels.headers
        texts = self.texts
        key = tuple([texts.get(id(row)) or row.texts for row in rows])
        resolved = known.get(key)
        if resolved is None:
            if len(known) >= HEADERS_KEPT:
                known.clear()
            resolved = known[key] = resolve_columns(st.spec, rows, st.labels.tokens)
        st.layout = resolved.layout
        st.layout_note = resolved.note
        st.positional = resolved.positional
        st.header_hits, st.header_misses = resolved.hits, resolved.misses

    # -- rows ----------------------------------------------------------------------

    def match_line(
        self, st: TableState, label: str, context: tuple[str, ...]
    ) -> tuple[LineSpec | None, bool]:
        key = normalize_label(label)
        if not key:
            return None, False
        paths = st.labels.paths
        exact = st.labels.by_key.get(key, ())
        if len(exact) > 1 and context:
            exact = [ln for ln in exact if paths[ln.id][-len(context) :] == context]
        if exact:
            return exact[0], False
        number = enumerator(key)
        if number is None:
            return None, False
        best: tuple[float, LineSpec | None] = (0.0, None)
        for lkey, ln in st.labels.numbered.get(number, ()):
            if context and paths[ln.id][-len(context) :] != context:
                continue
            score = similarity_at_least(key, lkey, _FUZZY_MIN)
            if score > best[0]:
                best = (score, ln)
        if best[1] is not None and best[0] >= _FUZZY_MIN:
            return best[1], True
        return None, False

    def try_data(self, st: TableState, row: GridRow, blank: bool) -> bool:
        if st.labels.flat:
            return self.try_flat(st, row)
        if blank:
            return False
        if not st.layout_fixed:
            self.resolve_layout(st)
        assert st.layout is not None
        width = len(st.layout)
        texts = self.texts.get(id(row)) or row.texts
        # Where the values start and which line the labels name depend on the texts,
        # the width and the heading context alone: remembered per declaration.
        key = (texts, width, st.context)
        known = st.labels.rows
        found = known.get(key, _UNSEEN)
        if isinstance(found, _Unseen):
            found = self.split_row(st, texts, width)
            if found is None and texts and not texts[-1].strip():
                # Empty cells after the values: span leftovers of a form that cannot merge.
                end = len(texts)
                while end and not texts[end - 1].strip():
                    end -= 1
                found = self.split_row(st, texts[:end], width)
            if sum(map(len, texts)) <= ROW_CHARS_KEPT:
                if len(known) >= MATCHES_KEPT:
                    known.clear()
                known[key] = found
        cells = row.cells
        if found is None:
            if self.try_ran_together(st, list(cells), width):
                return True
            # Not data, values run together included: that refusal changed nothing and
            # depends on the texts, width and context alone.
            if key in known:
                known[key] = False
            return False
        if found is False:
            return False
        start, end, at, line, fuzzy, note = found
        st.context = st.labels.paths[line.id]
        if note:
            st.notes.append(note)
        return self.accept(st, line, cells[at], cells[start:end], fuzzy)

    def split_row(self, st: TableState, texts: tuple[str, ...], width: int) -> RowSplit | None:
        """Match a row whose last ``width`` cells are its values; None when it is not one.

        Returns where its values start and end, which cell is its label, the line,
        whether fuzzily, and the note of a label joined from cells.  Nothing of ``st``
        changes: the outcome depends on the texts, the width and the context alone.
        """
        start = len(texts) - width
        if start <= 0:
            return None
        at = [i for i in range(start) if texts[i].strip()]
        if not at:
            return None
        labels = tuple([texts[i] for i in at])
        found = self.find_labels(st, labels, True)
        if found is None:
            return None
        line, fuzzy, joined = found
        note = _joined_note(labels, joined)
        return start, len(texts), at[-1], line, fuzzy, note

    def match_labels(
        self, st: TableState, labels: list[GridCell], *, values_ruled_out: bool = False
    ) -> tuple[LineSpec, GridCell, bool] | None:
        """Match a row's label cells to a line; heading cells before it set the context.

        The last label cell is tried first, then the last two or three joined (a label
        broken over cells, as plain text and page breaks leave it).  The matched line's
        headings become the context.

        With ``values_ruled_out``, a label cell that looks like a value means no match
        (the values start elsewhere).
        """
        texts = tuple([c.text for c in labels])
        found = self.find_labels(st, texts, values_ruled_out)
        if found is None:
            return None
        line, fuzzy, joined = found
        st.context = st.labels.paths[line.id]
        note = _joined_note(texts, joined)
        if note:
            st.notes.append(note)
        return line, labels[-1], fuzzy

    def find_labels(
        self, st: TableState, texts: tuple[str, ...], values_ruled_out: bool
    ) -> tuple[LineSpec, bool, int] | None:
        """The line label texts name in the current context, remembered per declaration.

        The outcome depends on the label texts and the context alone, and labels repeat
        from report to report: it is kept per declaration (:data:`MATCHES_KEPT`).
        """
        key = (texts, st.context, values_ruled_out)
        known = st.labels.matches
        found = known.get(key, _UNSEEN)
        if found is _UNSEEN:
            if values_ruled_out and any(value_like(t) for t in texts):
                found = None
            else:
                found = self.find_line(st, texts)
            if len(known) >= MATCHES_KEPT:
                known.clear()
            known[key] = found
        assert not isinstance(found, _Unseen)
        return found

    def find_line(
        self, st: TableState, texts: tuple[str, ...]
    ) -> tuple[LineSpec, bool, int] | None:
        """The line label texts name, whether fuzzily, and how many cells its label took."""
        headings = st.spec.headings
        context = st.context
        for text in texts[:-1]:
            key = normalize_label(text)
            if key in headings:
                context = tuple(self.context_for(st, key))
        for n in (1, 2, 3):
            if n > len(texts):
                break
            text = texts[-1] if n == 1 else "".join(texts[-n:])
            line, fuzzy = self.match_line(st, text, context)
            if line is not None:
                return line, fuzzy, n
        return None

    def accept(
        self,
        st: TableState,
        line: LineSpec,
        label: GridCell,
        value_cells: Sequence[GridCell],
        fuzzy: bool,
        *,
        inferred: bool = False,
    ) -> bool:
        assert st.layout is not None
        if line.id in st.cells:
            self.keep(st, printed_row(st.spec.id, label, value_cells))
            return True
        st.matched += 1
        st.layout_fixed = True
        if fuzzy:
            st.fuzzy.append(f"{label.text!r} read as {line.label!r}")
        st.rows.append((next(self.seq), label, tuple(value_cells)))
        plan = st.labels.plan(st.layout)
        # Another declaration of the table may have just read these very cells with
        # columns equal to these: its reading is this one's (values parsed once).
        key = (id(value_cells[0]), len(value_cells), inferred) if value_cells else None
        last = self.last_read
        if key is not None and last is not None and last[0] == key and same_plan(last[1], plan):
            st.cells[line.id] = last[2]
            return True
        out: dict[str, Read] = {}
        clean = True
        for (column_id, column, known, placed), cell in zip(plan, value_cells, strict=True):
            if column_id is None or column is None or known is None:
                clean = False  # the other declaration keeps its own extra column
                self.keep(
                    st, Extra(st.spec.id, "column", placed.label, (cell.text,), cell.location)
                )
                continue
            value = known.get(cell.text)
            if value is None or isinstance(value, ValueParseError):  # read it, or say why not
                read = out[column_id] = self.read_cell(st, line, column, cell, inferred)
                clean = clean and not isinstance(read[2], ValueParseError)
            else:
                out[column_id] = (column, cell, value, inferred)
        st.cells[line.id] = out
        # Kept while its cells live (the grid holds them), so the id cannot be reused.
        self.last_read = (key, plan, out, value_cells) if clean and key is not None else None
        return True

    def try_ran_together(self, st: TableState, cells: list[GridCell], width: int) -> bool:
        """Split values that ran together (``230 000023``) when exactly one split fits.

        Only the split that satisfies every error-severity rule of the line (in section
        三, 总计 = the sum of the others) is taken, and its cells are marked inferred;
        when several splits fit, or none does, or the line has no rule of its own (in
        section 二), the row is kept whole as an extra.
        """
        start = len(cells)
        while start > 0 and DIGITS.fullmatch(cells[start - 1].text.strip(STRIP) or "x"):
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
        digits = [fold_digits(c.text.strip(STRIP)) for c in values]
        tm = table_model(st.spec)
        columns = [
            tm.index[(line.id, p.column)] if p.column is not None else None for p in st.layout
        ]
        rows = tm.line_rows(line.id)
        # Without a rule of its own, a line's digits have no split to check: that the
        # digits can be cut only one way proves nothing (a cell may have been lost).
        solutions = splits(digits, width, columns, tm, rows) if rows else []
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
        if not rows:
            why = "no rule of the line decides how they split"
        elif solutions:
            why = "several splits fit its rules"
        else:
            why = "no split fits its rules"
        st.notes.append(
            f"{label.text.strip()!r}: values {shown!r} ran together and {why}; kept as an extra"
        )
        self.keep(
            st, Extra(st.spec.id, "row", label.text, tuple(c.text for c in values), label.location)
        )
        return True

    def context_for(self, st: TableState, key: str) -> list[str]:
        for path in st.labels.paths.values():
            if key in path:
                return list(path[: path.index(key) + 1])
        return [key]

    def try_flat(self, st: TableState, row: GridRow) -> bool:
        cells = list(row.cells)
        start = len(cells)
        while start > 0 and value_like(cells[start - 1].text):
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
            self.keep(st, printed_row(st.spec.id, label, values))
            return True
        st.rows.append((next(self.seq), label, tuple(values)))
        for placed, cell in zip(st.layout, values, strict=True):
            assert placed.line is not None
            assert placed.column is not None
            line = st.labels.lines[placed.line]
            column = st.labels.columns[placed.column]
            st.cells.setdefault(line.id, {})[column.id] = self.read_cell(st, line, column, cell)
        st.matched += len({p.line for p in st.layout})
        st.layout_fixed = True
        return True

    def read_cell(
        self,
        st: TableState,
        line: LineSpec,
        column: ColumnSpec,
        cell: GridCell,
        inferred: bool = False,
    ) -> Read:
        known = st.labels.values[column.id]
        value = known.get(cell.text)
        if value is None:
            if len(known) >= VALUES_PER_COLUMN:
                known.clear()
            value = known[cell.text] = parsed(cell.text, column.kind, column.unit)
        read = (column, cell, value, inferred)
        if isinstance(value, ValueParseError):
            st.unreadable.append((next(self.seq), line, read))
        return read


def map_grid(
    grid: Grid,
    candidates: Sequence[TemplateSpec],
    *,
    compose: Callable[[str, Mapping[str, str]], TemplateSpec] | None = None,
) -> Report:
    """Map a grid to a report with the best-fitting of the candidate templates.

    The grid is walked once, with one index of the labels of all candidates; a table
    the candidates declare differently is read with each of its declarations.

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
            template's tables cannot be read; several unreadable cells come as one
            :class:`~gxschema.exceptions.CellErrors` holding a ParseError per cell.
    """
    index = label_index(candidates)
    mapper = _Mapper(grid, index)
    mapper.run()
    choice = choose(index, mapper.slots, mapper.row_extras, grid_year(grid), compose)
    if not any(st.cells for st in choice.states.values()):
        raise NoTableFound(
            f"no table of a known template was found (tried {', '.join(c.id for c in candidates)})",
            source=grid.source,
            location=Location(line=1) if grid.form == "text" else None,
        )
    return build_report(grid, choice, mapper.slots, mapper.extras)
