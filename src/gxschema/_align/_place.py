"""Where each declared line's values are: tokens aligned to the declaration.

Each table is looked for after the one before it, by its caption or its section's
heading (:func:`regions`).  Inside its region, the declared lines (a *flat* table's
lines printed side by side count as one slot) are aligned with the tokens by dynamic
programming (:func:`place`): every slot is placed, in declared order, either at a
label fragment that looks like its label (an *anchor*) followed by its values, or by
order at the next values when its label is missing or torn beyond recognition, or is
declared missing.  Label fragments in between (headers, headings, torn label pieces)
cost nothing to pass over; a number passed over costs, so that every printed value is
used where the declaration allows.  A slot takes as many number tokens as it has
columns, or fewer when a token may hold several values run together (its digits are
then cut by :mod:`gxschema._align._split`).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence

import attrs

from gxschema._align._tokens import Token
from gxschema._labels import normalize_label, similarity_at_least
from gxschema._spec import LineSpec, SectionSpec, TableSpec, TemplateSpec

__all__ = ["Placed", "Slot", "place", "place_displaced", "regions", "slots"]

_SKIP_NUM = 1.5  # a printed number used by no line
_MISSING = 2.0  # a declared line not found
_BY_ORDER = 1.0  # a line placed by order (its label not found)
_FLAT = 0.2  # a flat table's row (its labels are headers, not row labels)
_SPLIT = 0.05  # per value a run of digits must be cut into
_ANCHOR_MIN = 0.5


@attrs.frozen
class Slot:
    """One placeable unit: a line of a table, or a flat table's whole row.

    Attributes:
        table: the table.
        lines: the line (or, for a flat table, every line in order).
        keys: the normalised labels that anchor it (empty for a flat table).
        width: how many values it needs.
    """

    table: TableSpec
    lines: tuple[LineSpec, ...]
    keys: tuple[str, ...]
    width: int

    @property
    def cells(self) -> list[tuple[str, str]]:
        """The (line, column) ids of its values, in printed order."""
        return [(ln.id, c.id) for ln in self.lines for c in self.table.columns]


@attrs.frozen
class Placed:
    """Where a slot was found: its anchor tokens (if any) and its value tokens.

    ``loose`` holds the values its printed row lost (cells a converter pulled out of
    the table and printed as loose lines before it), to be put back among ``values``
    in every order-keeping way (:func:`place_displaced`); ``pins`` gives, for each, the
    column its printed note names (a column's declared ``notes``), or None.
    """

    slot: Slot
    anchor: tuple[Token, ...]
    score: float
    values: tuple[Token, ...]
    loose: tuple[Token, ...] = ()
    pins: tuple[str | None, ...] = ()


def slots(table: TableSpec) -> list[Slot]:
    """The slots of a table, in declared order."""
    width = len(table.columns)
    if table.layout == "flat":
        return [Slot(table, table.lines, (), width * len(table.lines))]
    return [Slot(table, (ln,), tuple(sorted(ln.keys)), width) for ln in table.lines]


@functools.lru_cache(maxsize=16384)
def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", s).replace("、", ",")


def _is_heading(key: str, section: SectionSpec) -> bool:
    if not key.startswith(section.number + ","):
        return False
    return any(_key(k) in key for k in section.keywords)


def _table_anchor(key: str, label: str, section: SectionSpec | None, first: bool) -> bool:
    if label and label in key:
        return True
    return first and section is not None and _is_heading(key, section)


def regions(tokens: Sequence[Token], spec: TemplateSpec) -> dict[str, tuple[int, int]]:
    """Each table's token range ``[start, end)``, looked for in declared order.

    A table starts at its caption (or, for the first table of a section, the section's
    heading) after the start of the table before it, and ends where the next table
    found starts, or at the next numbered section heading that holds no table.
    """
    keys = [_key(t.text) if t.kind == "label" else None for t in tokens]
    starts: list[tuple[str, int]] = []
    after = 0
    seen_sections: set[str] = set()
    for table in spec.tables:
        section = spec.section_of(table)
        first = section is not None and section.number not in seen_sections
        if section is not None:
            seen_sections.add(section.number)
        label = _key(table.label) if table.label else ""
        for k in range(after, len(tokens)):
            key = keys[k]
            if key is not None and _table_anchor(key, label, section, first):
                starts.append((table.id, k))
                after = k + 1
                break
    table_sections = {spec.section_of(t).number for t in spec.tables if spec.section_of(t)}  # type: ignore[union-attr]
    others = [s for s in spec.sections if s.number not in table_sections]
    stops = [
        k
        for k, key in enumerate(keys)
        if key is not None and others and any(_is_heading(key, s) for s in others)
    ]
    out: dict[str, tuple[int, int]] = {}
    for n, (table_id, start) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else len(tokens)
        end = min([end, *[s for s in stops if s > start]])
        out[table_id] = (start, end)
    return out


@functools.lru_cache(maxsize=65536)
def likeness(fragment: str, key: str) -> float:
    """How well a normalised label fragment names a line's normalised label (0 to 1)."""
    if not fragment or not key:
        return 0.0
    if fragment == key:
        return 1.0
    if key in fragment:
        return 0.9 if len(fragment) <= len(key) + 12 else 0.6
    if len(fragment) >= 2 and key.startswith(fragment):
        return 0.6 + 0.35 * len(fragment) / len(key)
    if len(fragment) >= 4 and fragment in key:
        return 0.5 + 0.35 * len(fragment) / len(key)
    if len(fragment) >= 4:
        return 0.9 * similarity_at_least(fragment, key, 0.7)
    return 0.0


def _norm(token: Token) -> str:
    return normalize_label(token.text)


def place(tokens: Sequence[Token], todo: Sequence[Slot]) -> tuple[float, list[Placed | None]]:
    """Align the slots with the tokens; return the cost and each slot's placement.

    A sparse dynamic programme over (slots placed, tokens used): slot ``i`` is placed
    at one of its anchors (a label fragment, or two in a row, that looks like its
    label, followed at once by values), or by order at the next value, or declared
    missing.  The numbers passed over on the way cost ``_SKIP_NUM`` each; labels
    passed over cost nothing.

    Args:
        tokens: the table's region.
        todo: its slots in declared order.

    Returns:
        The total cost and, per slot, where it was placed (None: not found).
    """
    n, m = len(tokens), len(todo)
    is_val = [t.kind != "label" for t in tokens]
    cap = [
        (len(t.digits) if t.digits else 1) if v else 0 for t, v in zip(tokens, is_val, strict=True)
    ]
    vals_before = [0] * (n + 1)  # values among tokens[:k]
    for k in range(n):
        vals_before[k + 1] = vals_before[k] + is_val[k]
    next_val = [n] * (n + 1)  # the first value at or after k
    for k in range(n - 1, -1, -1):
        next_val[k] = k if is_val[k] else next_val[k + 1]
    norms = [_norm(t) if not v else "" for t, v in zip(tokens, is_val, strict=True)]
    pairs = [
        _norm_pair(tokens[k], tokens[k + 1]) if k + 1 < n and not is_val[k + 1] else ""
        for k in range(n)
    ]
    # Where an anchor may be: a label (or two in a row) with a value right after.
    cands = [
        (k, size, frag)
        for k in range(n)
        if not is_val[k]
        for size, frag in ((1, norms[k]), (2, pairs[k]))
        if frag and k + size < n and is_val[k + size]
    ]
    by_keys: dict[tuple[str, ...], list[tuple[int, int, float]]] = {}

    def anchors(slot: Slot) -> list[tuple[int, int, float]]:
        """(anchor position, size, likeness) of a slot's anchors, values right after."""
        got = by_keys.get(slot.keys)
        if got is None:
            got = []
            keys = slot.keys
            for k, size, frag in cands:
                score = max([likeness(frag, key) for key in keys])
                if score >= _ANCHOR_MIN:
                    got.append((k, size, score))
            by_keys[keys] = got
        return got

    run_memo: dict[tuple[int, int], list[tuple[int, float]]] = {}

    def runs(v0: int, width: int) -> list[tuple[int, float]]:
        """(values taken, extra cost) for values starting at v0 that can fill a slot."""
        got = run_memo.get((v0, width))
        if got is not None:
            return got
        out = []
        room = 0
        for r in range(1, width + 1):
            v = v0 + r - 1
            if v >= n or not is_val[v]:
                break
            room += cap[v]
            if room >= width:
                out.append((r, _SPLIT * (width - r)))
        run_memo[(v0, width)] = out
        return out

    Back = tuple[int, int, int, int, float]  # (previous end, anchor at, size, values, cost)
    layer: dict[int, tuple[float, Back | None]] = {0: (0.0, None)}
    layers: list[dict[int, tuple[float, Back | None]]] = [layer]
    for slot in todo:
        nxt: dict[int, tuple[float, Back | None]] = {}
        get = nxt.get
        found = anchors(slot) if slot.keys else []
        at = [k for k, _, _ in found]
        by_order = _BY_ORDER if slot.keys else _FLAT
        width = slot.width
        # Each offer keeps the first of equal costs (offers are made in a fixed order).
        for j0, (here, _) in layer.items():
            c = here + _MISSING
            old = get(j0)
            if old is None or c < old[0] - 1e-9:
                nxt[j0] = (c, (j0, -1, -2, 0, 0.0))
            base = vals_before[j0]
            for k, size, score in found[bisect.bisect_left(at, j0) :]:
                skipped = here + _SKIP_NUM * (vals_before[k] - base) + 1.0 - score
                for r, extra in runs(k + size, width):
                    end, c = k + size + r, skipped + extra
                    old = get(end)
                    if old is None or c < old[0] - 1e-9:
                        nxt[end] = (c, (j0, k, size, r, 1.0 - score))
            v0 = next_val[j0]
            if v0 < n:
                skipped = here + _SKIP_NUM * (vals_before[v0] - base) + by_order
                for r, extra in runs(v0, width):
                    end, c = v0 + r, skipped + extra
                    old = get(end)
                    if old is None or c < old[0] - 1e-9:
                        nxt[end] = (c, (j0, v0, 0, r, by_order))
        layer = nxt
        layers.append(layer)
    end, (best, _) = min(layer.items(), key=lambda e: (e[1][0], e[0]))
    placed: list[Placed | None] = [None] * m
    for i in range(m, 0, -1):
        _, back = layers[i][end]
        assert back is not None
        j0, k, size, r, c0 = back
        if r > 0:
            start = k + size
            anchor = tuple(tokens[k:start])
            placed[i - 1] = Placed(
                todo[i - 1], anchor, 1.0 - c0 if size else 0.0, tuple(tokens[start : start + r])
            )
        end = j0
    return best, placed


def _norm_pair(a: Token, b: Token) -> str:
    if a.kind != "label":
        return ""
    return normalize_label(a.text + b.text)


def place_displaced(
    own: Sequence[Token], rest: Sequence[Token], todo: Sequence[Slot]
) -> list[Placed | None] | None:
    """Place a table whose rows were printed away from its caption.

    A converter may print a table's caption, then the cells it pulled out of the table
    (cells of two lines) as loose lines, and the table's rows themselves further on,
    after other tables.  Each slot is looked for, in declared order, at an anchor in
    ``rest`` (the section's tokens no other table used) followed by its values.  A row
    printed with fewer values than columns takes the loose numbers found in ``own``
    (the caption's region), in reading order, as many as it lacks; where among its
    values they go is left to :mod:`gxschema._align._split` (every order-keeping way).
    Only delimited cells (tokens that are one value for certain) are put together so.
    A loose number followed by a note (``（含自然失效 29 件）``) naming the declared
    ``notes`` of exactly one column is pinned to that column.

    Args:
        own: the tokens of the table's own region (after its caption).
        rest: the tokens after it, up to the end of its section, not used elsewhere.
        todo: the table's slots.

    Returns:
        Per slot, where it was placed (None: not found); None when no slot was found
        by label, or the loose numbers do not make the short rows whole.
    """
    if not todo or todo[0].table.layout == "flat":
        return None
    loose = [t for t in own if t.kind != "label"]
    n = len(rest)
    found: list[tuple[int, int, int, float, list[Token]]] = []
    at = 0
    for i, slot in enumerate(todo):
        best: tuple[float, int, int] | None = None
        for k in range(at, n):
            if rest[k].kind != "label":
                continue
            for size in (1, 2):
                if k + size >= n or rest[k + size].kind == "label":
                    continue
                if size == 2 and rest[k + 1].kind != "label":
                    continue
                frag = _norm(rest[k]) if size == 1 else _norm_pair(rest[k], rest[k + 1])
                score = max(likeness(frag, key) for key in slot.keys)
                if score >= _ANCHOR_MIN and (best is None or score > best[0] + 1e-9):
                    best = (score, k, size)
        if best is None:
            continue
        score, k, size = best
        values: list[Token] = []
        j = k + size
        while j < n and rest[j].kind != "label" and len(values) < slot.width:
            values.append(rest[j])
            j += 1
        if any(t.digits for t in values):
            return None  # digits that may hold several values: not put together so
        found.append((i, k, size, score, values))
        at = j
    if not found:
        return None
    short = sum(todo[i].width - len(v) for i, _, _, _, v in found)
    if short and short != len(loose):
        return None
    if any(t.digits for t in loose):
        return None
    out: list[Placed | None] = [None] * len(todo)
    taken = 0
    pins = _pins(own, loose, todo[0].table)
    for i, k, size, score, values in found:
        lack = todo[i].width - len(values)
        extra = tuple(loose[taken : taken + lack])
        pinned = tuple(pins[taken : taken + lack])
        taken += lack
        out[i] = Placed(todo[i], tuple(rest[k : k + size]), score, tuple(values), extra, pinned)
    return out


def _pins(own: Sequence[Token], loose: Sequence[Token], table: TableSpec) -> list[str | None]:
    """For each loose number, the one column the note printed after it names, or None."""
    after: dict[int, str] = {}
    for n, tok in enumerate(own):
        if tok.kind == "label" or not any(tok is t for t in loose):
            continue
        words = []
        for nxt in own[n + 1 :]:
            if nxt.kind != "label" or not nxt.text.startswith("("):
                break  # a note is printed in brackets (folded to ASCII ones)
            words.append(nxt.text)
        after[id(tok)] = "".join(words)
    out: list[str | None] = []
    for tok in loose:
        note = after.get(id(tok), "")
        named = [c.id for c in table.columns if any(w in note for w in c.notes)] if note else []
        out.append(named[0] if len(named) == 1 else None)
    return out
