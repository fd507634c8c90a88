"""One index of the labels of every candidate template, built once per set of templates.

The mapper (:mod:`gxschema._mapper`) follows a grid's tables with it in one pass: the
captions, section headings and line labels of all candidates say which table a row
belongs to, by table id.  Each table id keeps its distinct declarations (national-2019
and hubei-2019 share the declaration of ``s3``; national-2021 declares it otherwise),
so a table is tried against more than one declaration only when the candidates
disagree about it.

Indexes are cached by the identity of the candidate specs; the template registry
calls :func:`forget_indexes` whenever a template is registered or unregistered.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

from gxschema._columns import Placed, Resolved
from gxschema._labels import enumerator, normalize_label
from gxschema._spec import ColumnSpec, LineSpec, TableSpec, TemplateSpec
from gxschema._values import Value, ValueParseError

__all__ = [
    "HEADERS_KEPT",
    "HEADINGS_KEPT",
    "MATCHES_KEPT",
    "ROW_CHARS_KEPT",
    "VALUES_PER_COLUMN",
    "LabelIndex",
    "PlannedColumn",
    "RowFacts",
    "RowSplit",
    "TableLabels",
    "forget_indexes",
    "label_index",
    "same_plan",
]

Shape = tuple[frozenset[str], frozenset[str]]
PlannedColumn = tuple[
    str | None, ColumnSpec | None, dict[str, "Value | ValueParseError"] | None, Placed
]
"""A value column of a layout: its id, declaration and remembered values (None, None,
None for a column the declaration lacks), and its place."""
RowSplit = tuple[int, int, int, LineSpec, bool, str]
"""A data row as the mapper splits it: its values from ``start`` to ``end``, the index
of its label cell, the line, whether matched fuzzily, and the note of a label joined
from cells (or "")."""
ROW_CHARS_KEPT = 2048
"""Rows whose texts are longer in all, and headings longer than this, are not
remembered (texts are the keys: a few thousand long rows or paragraphs of hostile
input must not fill the memory)."""
RowFacts = tuple[bool, str | None, tuple[str, ...], str | None]
"""What a table row's texts say of the tables (see :meth:`LabelIndex.row_facts`)."""
VALUES_PER_COLUMN = 1024
"""Cell texts remembered per column of an indexed declaration (then forgotten)."""
HEADERS_KEPT = 256
"""Header row texts whose column resolution is remembered per declaration."""
HEADINGS_KEPT = 4096
"""Heading texts whose section, and table rows' texts whose tables, are remembered per
index."""
MATCHES_KEPT = 4096
"""Label cells (with their heading context) whose matching line is remembered per
declaration."""


def _shape(table: TableSpec) -> Shape:
    """A table's line and column keys: two declarations of one shape read alike."""
    return (
        frozenset(k for ln in table.lines for k in ln.keys),
        frozenset(k for c in table.columns for k in c.keys),
    )


class TableLabels:
    """One declaration of a table, indexed for matching its rows.

    Args:
        table: the declaration.

    Attributes:
        table: the declaration.
        by_key: normalised label or alias → the lines it names, in declared order.
        paths: line id → its headings, normalised.
        numbered: item number (``"2."``, ``"(三)"``) → (normalised label, line), for
            reading damaged labels.
        lines: line id → line.
        columns: column id → column.
        values: column id → cell text → its value or error, remembered across
            reads (up to :data:`VALUES_PER_COLUMN` texts per column).
        tokens: header text → how column resolution classified it, remembered the
            same way.
        headers: the texts of the header rows → their column resolution (up to
            :data:`HEADERS_KEPT`): exact, as it depends on the texts alone.
        matches: (label cell texts, heading context, whether values rule a match
            out) → the line they name, whether fuzzily, and how many cells the label
            took (up to :data:`MATCHES_KEPT`): exact, as it depends on these alone.
        rows: (a row's cell texts, the number of value columns, heading context) →
            how the mapper splits the row into label and values, and the line; None
            when its values may have run together, False when it is not a data row at
            all (up to :data:`MATCHES_KEPT`, rows up to :data:`ROW_CHARS_KEPT`
            characters): exact, as it depends on these alone.
    """

    def __init__(self, table: TableSpec) -> None:
        self.table = table
        self.by_key: dict[str, list[LineSpec]] = {}
        self.paths: dict[str, tuple[str, ...]] = {}
        self.numbered: dict[str, list[tuple[str, LineSpec]]] = {}
        self.lines: dict[str, LineSpec] = {ln.id: ln for ln in table.lines}
        self.columns: dict[str, ColumnSpec] = {c.id: c for c in table.columns}
        self.values: dict[str, dict[str, Value | ValueParseError]] = {
            c.id: {} for c in table.columns
        }
        self.tokens: dict[str, tuple[str, object, bool]] = {}
        self.headers: dict[tuple[tuple[str, ...], ...], Resolved] = {}
        self.flat = table.layout == "flat"
        self._plans: dict[int, tuple[Sequence[Placed], list[PlannedColumn]]] = {}
        self.matches: dict[
            tuple[tuple[str, ...], tuple[str, ...], bool], tuple[LineSpec, bool, int] | None
        ] = {}
        self.rows: dict[
            tuple[tuple[str, ...], int, tuple[str, ...]], RowSplit | Literal[False] | None
        ] = {}
        for line in table.lines:
            for key in line.keys:
                self.by_key.setdefault(key, []).append(line)
            self.paths[line.id] = tuple(normalize_label(p) for p in line.path)
            key = normalize_label(line.label)
            number = enumerator(key)
            if number is not None:
                self.numbered.setdefault(number, []).append((key, line))

    def plan(self, layout: Sequence[Placed]) -> list[PlannedColumn]:
        """Per value column of a layout: its id, declaration and remembered values.

        A column the declaration lacks has None for all three.  Layouts are kept per
        declaration (in :attr:`headers`), so the plan is remembered with the layout.
        """
        known = self._plans.get(id(layout))
        if known is not None and known[0] is layout:
            return known[1]
        if len(self._plans) >= HEADERS_KEPT:
            self._plans.clear()
        planned: list[PlannedColumn] = [
            (None, None, None, p)
            if p.column is None
            else (p.column, self.columns[p.column], self.values[p.column], p)
            for p in layout
        ]
        self._plans[id(layout)] = (layout, planned)
        return planned


class LabelIndex:
    """The labels of a set of candidate templates, by table id.

    Args:
        specs: the candidates, in order of preference.

    Attributes:
        specs: the candidates.
        captions: normalised table caption → table id.
        sections: normalised section heading → the ids of the tables in it, in order.
        line_keys: normalised line label → ids of the ``grid`` tables declaring it.
        flat_keys: normalised line label → ids of the ``flat`` tables declaring it.
        declarations: table id → its distinct declarations.
        labels: table id → each declaration indexed for matching (:class:`TableLabels`).
        shapes: table id → the shape (line keys, column keys) of each declaration.
        choice: per candidate, table id → which of the table's declarations it uses.
    """

    def __init__(self, specs: Sequence[TemplateSpec]) -> None:
        self.specs = tuple(specs)
        self.captions: dict[str, str] = {}
        self.sections: dict[str, list[str]] = {}
        self.line_keys: dict[str, list[str]] = {}
        self.flat_keys: dict[str, list[str]] = {}
        self.declarations: dict[str, list[TableSpec]] = {}
        self.shapes: dict[str, list[Shape]] = {}
        self.labels: dict[str, list[TableLabels]] = {}
        self.choice: list[dict[str, int]] = []
        self._section_of: dict[str, str | None] = {}
        self._row_facts: dict[tuple[str, ...], RowFacts] = {}
        self._heading_facts: dict[str, tuple[str | None, str | None]] = {}
        for spec in self.specs:
            chosen: dict[str, int] = {}
            for table in spec.tables:
                chosen[table.id] = self._add(table)
            self.choice.append(chosen)

    def _add(self, table: TableSpec) -> int:
        """Index one table of a candidate; return the number of its declaration."""
        decls = self.declarations.setdefault(table.id, [])
        for number, known in enumerate(decls):
            if known is table or known == table:
                return number
        decls.append(table)
        self.labels.setdefault(table.id, []).append(TableLabels(table))
        self.shapes.setdefault(table.id, []).append(_shape(table))
        self.captions.setdefault(normalize_label(table.label), table.id)
        if table.section:
            in_section = self.sections.setdefault(normalize_label(table.section), [])
            if table.id not in in_section:
                in_section.append(table.id)
        keys = self.line_keys if table.layout == "grid" else self.flat_keys
        for line in table.lines:
            for key in line.keys:
                ids = keys.setdefault(key, [])
                if table.id not in ids:
                    ids.append(table.id)
        return len(decls) - 1

    def section_of(self, text: str) -> str | None:
        """The normalised section heading a heading row names, if any."""
        key = normalize_label(text)
        known = self._section_of
        if key in known:
            return known[key]
        found = None
        if key in self.sections:
            found = key
        else:
            for sec in self.sections:
                # Headings vary in length (五、… 存在的主要问题…); match on the prefix.
                if key.startswith(sec) or (len(key) >= 6 and sec.startswith(key)):
                    found = sec
                    break
        if len(key) <= ROW_CHARS_KEPT:
            if len(known) >= HEADINGS_KEPT:
                known.clear()
            known[key] = found
        return found

    def heading_facts(self, text: str) -> tuple[str | None, str | None]:
        """The table a heading row's text is the caption of, else the section it names.

        Remembered per index, as :meth:`section_of` is.
        """
        known = self._heading_facts
        found = known.get(text)
        if found is not None:
            return found
        caption = self.captions.get(normalize_label(text))
        found = (caption, None if caption is not None else self.section_of(text))
        if len(text) <= ROW_CHARS_KEPT:
            if len(known) >= HEADINGS_KEPT:
                known.clear()
            known[text] = found
        return found

    def row_facts(self, texts: tuple[str, ...]) -> RowFacts:
        """What a table row's texts say of the tables, remembered per index.

        Returns:
            Whether the row is blank; the table whose caption is its one non-blank
            text, if any; the ``grid`` tables declaring one of its texts as a line
            label, in order; the first ``flat`` table declaring one (or None).
        """
        known = self._row_facts
        found = known.get(texts)
        if found is not None:
            return found
        nonempty = [t for t in texts if t.strip()]
        caption = None
        if len(nonempty) == 1:
            caption = self.captions.get(normalize_label(nonempty[0]))
        tables: list[str] = []
        for text in texts:
            for table_id in self.line_keys.get(normalize_label(text), ()):
                if table_id not in tables:
                    tables.append(table_id)
        flat: list[str] = []
        for text in nonempty:
            flat += self.flat_keys.get(normalize_label(text), ())
        found = (not nonempty, caption, tuple(tables), flat[0] if flat else None)
        if sum(map(len, texts)) <= ROW_CHARS_KEPT:
            if len(known) >= HEADINGS_KEPT:
                known.clear()
            known[texts] = found
        return found

    def declaration(self, candidate: int, table_id: str) -> int | None:
        """Which declaration of a table a candidate uses; None when it has no such table."""
        return self.choice[candidate].get(table_id)


_SAME: dict[tuple[int, int], tuple[object, object, bool]] = {}


def same_plan(a: list[PlannedColumn], b: list[PlannedColumn]) -> bool:
    """Whether two declarations' plans read value cells alike (equal columns, in order).

    Plans are kept with their layouts, so the answer is remembered by identity.
    """
    if a is b:
        return True
    known = _SAME.get((id(a), id(b)))
    if known is not None and known[0] is a and known[1] is b:
        return known[2]
    same = len(a) == len(b) and all(
        pa[0] == pb[0] and pa[1] == pb[1] for pa, pb in zip(a, b, strict=True)
    )
    with _LOCK:
        if len(_SAME) >= HEADERS_KEPT:
            _SAME.clear()
        _SAME[(id(a), id(b))] = (a, b, same)
    return same


_CACHE: dict[tuple[int, ...], LabelIndex] = {}
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def label_index(specs: Sequence[TemplateSpec]) -> LabelIndex:
    """Return the index of these candidates, built on first use and then reused.

    Args:
        specs: the candidate templates, in order of preference.

    Returns:
        The index.
    """
    key = tuple(id(s) for s in specs)
    index = _CACHE.get(key)
    if index is not None and all(a is b for a, b in zip(index.specs, specs, strict=True)):
        return index
    index = LabelIndex(specs)
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = index
    return index


def forget_indexes() -> None:
    """Drop every cached index (the registry changed)."""
    with _LOCK:
        _CACHE.clear()
