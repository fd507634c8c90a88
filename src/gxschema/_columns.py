"""Which value column is which: resolved from a table's header rows, by their labels.

Part of the mapper (:mod:`gxschema._mapper`): given the header rows seen above a
table's first data row, :func:`resolve_columns` lays out the physical value columns as
declared (line, column) pairs or unknown headers kept as extras.  :func:`value_like`
tells a value cell from a label cell for every part of the mapper.
"""

from __future__ import annotations

import functools
from collections.abc import MutableMapping, Sequence
from typing import TypeVar

import attrs

from gxschema._grid import GridRow
from gxschema._labels import normalize_label, similarity_at_least
from gxschema._spec import ColumnSpec, LineSpec, TableSpec
from gxschema._values import looks_like_value

__all__ = ["HEADER_ROWS", "Placed", "Resolved", "resolve_columns", "value_like"]

STRIP = " \t\r\n\u00a0\u3000"
_FUZZY_HEADER = 0.8
HEADER_ROWS = 6  # header rows considered when resolving columns
_TOKENS_KEPT = 1024
T_ = TypeVar("T_", ColumnSpec, LineSpec)


value_like = functools.lru_cache(maxsize=4096)(looks_like_value)
"""The value codec's one test of what a value looks like, remembered for repeated texts."""


@attrs.define
class Placed:
    """A physical value column: a declared (line, column), or an unknown header."""

    line: str | None
    column: str | None
    label: str = ""


@attrs.frozen
class Resolved:
    """The value columns as the header shows them, why, and how well the labels fit."""

    layout: list[Placed]
    note: str
    hits: int
    misses: int
    positional: tuple[str, ...] = ()
    """The labels of the columns (and, in a flat table, lines) placed by position."""


def _token(text: str, candidates: Sequence[tuple[str, object]]) -> tuple[str, object, bool]:
    """Classify a header text as ("item", spec, fuzzy), ("head", key, fuzzy) or "unknown".

    Exact keys are looked up first; the likeness of the others is bounded cheaply
    before it is measured, so a long header cell costs time linear in its length.
    """
    key = normalize_label(text)
    best: tuple[float, str, object] = (0.0, "", None)
    for cand_key, item in candidates:
        if cand_key == key:
            return ("head" if isinstance(item, str) else "item", item, False)
    for cand_key, item in candidates:
        score = similarity_at_least(key, cand_key, _FUZZY_HEADER)
        if score > best[0]:
            best = (score, cand_key, item)
    if best[0] >= _FUZZY_HEADER:
        return ("head" if isinstance(best[2], str) else "item", best[2], True)
    return ("unknown", text, False)


def _ordered(items: Sequence[T_], declared: Sequence[T_], rows: Sequence[Sequence[T_]]) -> list[T_]:
    """Order items as the header rows show them.

    Pairs never named in one row keep the declared order: a row's cells give positions
    only relative to each other.  Items are the declaration's own objects, told apart
    by identity (comparing them field by field is slow).
    """
    positions = [{id(item): i for i, item in enumerate(row)} for row in rows]
    declared_at = {id(item): i for i, item in enumerate(declared)}

    def cmp(a: T_, b: T_) -> int:
        ia, ib = id(a), id(b)
        for pos in positions:
            if ia in pos and ib in pos:
                return pos[ia] - pos[ib]
        return declared_at[ia] - declared_at[ib]

    return sorted(items, key=functools.cmp_to_key(cmp))


def _candidates(table: TableSpec) -> list[tuple[str, object]]:
    """The header labels a table knows, normalised."""
    candidates: list[tuple[str, object]] = []
    for c in table.columns:
        candidates += [(k, c) for k in c.keys]
        candidates += [(normalize_label(p), normalize_label(p)) for p in c.path]
    if table.layout == "flat":
        for ln in table.lines:
            candidates += [(k, ln) for k in ln.keys]
            candidates += [(normalize_label(p), normalize_label(p)) for p in ln.path]
    return candidates


def resolve_columns(
    table: TableSpec,
    header_rows: Sequence[GridRow],
    tokens: MutableMapping[str, tuple[str, object, bool]] | None = None,
) -> Resolved:
    """Work out which value column is which from the header rows' labels.

    Labels are matched exactly after normalisation, or when nearly equal (a variant
    spelling of a label or group heading).  The order comes from the header rows: two
    columns named in the same row are ordered as that row orders them; columns never
    named together keep the declared order.  One unknown label where exactly one
    declared column is missing is read as that column, by position; other unknown
    labels right of a known one are extra columns.

    Args:
        table: the declaration.
        header_rows: the rows above its first data row (the last few).
        tokens: how header texts were classified for this declaration before, kept
            and extended (the mapper keeps one per declaration).

    Returns:
        The layout of the value columns, a note on how it was found, and how many
        header labels the declaration knew and did not know.
    """
    skip = {normalize_label(t) for t in (table.label, table.corner, table.header, table.section)}
    candidates: Sequence[tuple[str, object]] | None = None
    if tokens is None:
        tokens = {}
    hits = misses = 0
    col_rows: list[list[ColumnSpec | str]] = []
    line_rows: list[list[LineSpec]] = []
    notes: list[str] = []
    positional: list[str] = []
    for hrow in header_rows:
        cols: list[ColumnSpec | str] = []
        lines: list[LineSpec] = []
        for text in hrow.texts:
            key = normalize_label(text)
            if not key or key in skip or value_like(text):
                continue
            token = tokens.get(text)
            if token is None:
                if len(tokens) >= _TOKENS_KEPT:
                    tokens.clear()
                if candidates is None:
                    candidates = _candidates(table)
                token = tokens[text] = _token(text, candidates)
            kind, item, fuzzy = token
            if kind == "unknown":
                misses += 1
                if cols:  # right of a known column: an extra, or a variant spelling
                    cols.append(text)
                continue
            hits += 1
            if fuzzy and isinstance(item, (ColumnSpec, LineSpec)):
                notes.append(f"header {text.strip()!r} read as {item.label!r}")
            if isinstance(item, ColumnSpec):
                if all(t is not item for t in cols):
                    cols.append(item)
            elif isinstance(item, LineSpec) and all(t is not item for t in lines):
                lines.append(item)
        col_rows.append(cols)
        line_rows.append(lines)
    named = {id(t) for row in col_rows for t in row if not isinstance(t, str)}
    present = [c for c in table.columns if id(c) in named]
    unknown = list(dict.fromkeys(t for row in col_rows for t in row if isinstance(t, str)))
    missing = [c for c in table.columns if id(c) not in named]
    if present and len(missing) == 1 and len(unknown) == 1:
        # One label where one declared column is missing: a variant spelling of it.
        notes.append(f"header {unknown[0].strip()!r} read as {missing[0].label!r} by position")
        positional.append(missing[0].label)
        col_rows = [[missing[0] if t == unknown[0] else t for t in row] for row in col_rows]
        present, unknown, missing = list(table.columns), [], []
        misses -= 1
    if not present:
        order: list[ColumnSpec | str] = list(table.columns)
        note = "no column header recognised: columns taken in the template's order"
        positional = [c.label for c in table.columns]
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
            Placed(None, c.id, c.label) if isinstance(c, ColumnSpec) else Placed(None, None, c)
            for c in order
        ]
        return Resolved(layout, note, hits, misses, tuple(positional))
    named = {id(ln) for row in line_rows for ln in row}
    seen_lines = [ln for ln in table.lines if id(ln) in named]
    line_order = _ordered(seen_lines, table.lines, line_rows) if seen_lines else []
    line_order += [ln for ln in table.lines if id(ln) not in named]
    if len(seen_lines) < len(table.lines):
        note += "; lines not named in the header taken in the template's order"
        positional += [ln.label for ln in table.lines if id(ln) not in named]
    layout = [
        Placed(ln.id, c.id, c.label)
        for ln in line_order
        for c in order
        if isinstance(c, ColumnSpec)
    ]
    return Resolved(layout, note, hits, misses, tuple(positional))
