"""Values for every placed line: runs of digits cut by the declared rules, exactly.

A line whose tokens are as many as its columns takes them in order.  A line with fewer
tokens than columns holds values that ran together (``713000074`` for seven cells): its
digit runs are cut every way that gives the right number of values (a value never
starts with 0 unless it is 0), and a cut is kept only when the constraint model of the
spec allows it: the line's own rules first (总计 = the sum of its parts), then, over
all the table's lines at once, the column rules (C3.balance, C3.results_total) by an
exact backtracking search.  Cells on which every surviving reading agrees are read;
the others are reported as an :class:`~gxschema.Ambiguity` naming the cells and the
readings, never chosen silently.  In a table no rule checks (section 二), numbers the
prose states next to the line's label (``现行有效行政规范性文件698件``) may settle a
choice when exactly one reading agrees with them; the detection reason says so.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import attrs

from gxschema._align._place import Placed
from gxschema._align._tokens import Token
from gxschema._cell import How
from gxschema._labels import normalize_label
from gxschema._spec import ColumnSpec, TableSpec
from gxschema._tablestate import parsed
from gxschema._values import BLANK, Kind, Number, Value, ValueParseError, parse_value

__all__ = ["Reading", "solve"]

_MAX_CUTS = 5000  # cuts examined per line
_MAX_NODES = 200_000  # search steps per table
_MAX_SOLUTIONS = 64

Key = tuple[str, str]
Piece = tuple[str, Token]


@attrs.frozen
class Reading:
    """The outcome for one table: the cells read and the ones left open.

    Attributes:
        cells: (line, column) → (raw text, token it came from, how, value).
        open: groups of cells the rules leave undetermined, each with its readings
            (the raw texts per cell, one tuple per reading) and why.
        notes: what was inferred, in words.
    """

    cells: dict[Key, tuple[str, Token, How, Value]]
    open: list[tuple[tuple[Key, ...], tuple[tuple[str, ...], ...], str]]
    notes: list[str]


def _cuts(
    tokens: Sequence[Token], width: int, ok: Callable[[list[Piece], int], bool]
) -> Iterator[list[Piece]]:
    """Every way to cut the tokens into ``width`` pieces, in order, that ``ok`` allows.

    Pieces are cut from the right (a line's total comes last, so it is fixed first and
    bounds the rest); ``ok(pieces, digits_left)`` sees the pieces cut so far, rightmost
    first, and how many digits are still to cut, and prunes a partial cut.
    """
    caps = [len(t.digits) if t.digits else 1 for t in tokens]
    before = [sum(caps[:i]) for i in range(len(tokens))]
    acc: list[Piece] = []

    def walk(ti: int, end: int, left: int) -> Iterator[list[Piece]]:
        if ti < 0:
            if left == 0:
                yield acc[::-1]
            return
        tok = tokens[ti]
        if not tok.digits:
            if left < 1:
                return
            acc.append((tok.text, tok))
            if ok(acc, before[ti]):
                yield from walk(ti - 1, caps[ti - 1] if ti else 0, left - 1)
            acc.pop()
            return
        first = end == len(tok.digits)
        for start in range(end - 1, -1, -1):
            piece = tok.digits[start:end]
            if len(piece) > 1 and piece[0] == "0":
                continue
            after = left - 1
            if not ti + (1 if start else 0) <= after <= start + before[ti]:
                continue
            raw = (tok.lead if start == 0 else "") + piece + (tok.tail if first else "")
            acc.append((raw, tok))
            if ok(acc, start + before[ti]):
                if start == 0:
                    yield from walk(ti - 1, caps[ti - 1] if ti else 0, after)
                else:
                    yield from walk(ti, start, after)
            acc.pop()

    yield from walk(len(tokens) - 1, caps[-1] if tokens else 0, width)


def _value(raw: str, kind: Kind, unit: str | None, tok: Token) -> Value:
    if tok.kind == "blank":
        return BLANK
    return parse_value(raw, kind, unit=unit)


def _num(v: Value) -> int | Decimal:
    return v.value if isinstance(v, Number) else 0


class _Rules:
    def __init__(self, table: TableSpec) -> None:
        self.rules: list[tuple[dict[Key, int], int, str]] = []
        self.relate = False  # whether any rule relates two cells or more
        for c in table.constraints:
            if c.rule.severity != "error":
                continue
            self.relate |= c.rule.scope != "cell"
            weights, const = c.linear()
            self.rules.append((weights, const, c.op))
        self.by_line: dict[tuple[Key, ...], list[tuple[tuple[tuple[int, int], ...], int, str]]] = {}
        self.by_cell: dict[Key, list[int]] = {}
        for n, (w, _, _) in enumerate(self.rules):
            for k in w:
                self.by_cell.setdefault(k, []).append(n)

    def holds(self, n: int, values: dict[Key, Value]) -> bool | None:
        weights, const, op = self.rules[n]
        total: int | Decimal = const
        for k, w in weights.items():
            v = values.get(k)
            if v is None:
                return None
            total += w * _num(v)
        return total == 0 if op == "==" else (total <= 0 if op == "<=" else total >= 0)

    def local(self, keys: Sequence[Key]) -> list[tuple[tuple[tuple[int, int], ...], int, str]]:
        """The rules within one line, as (position in the line, weight) terms."""
        sig = tuple(keys)
        got = self.by_line.get(sig)
        if got is None:
            at = {k: i for i, k in enumerate(keys)}
            got = [
                (tuple((at[c], w) for c, w in weights.items()), const, op)
                for weights, const, op in self.rules
                if all(c in at for c in weights)
            ]
            self.by_line[sig] = got
        return got

    def pruner(
        self, keys: Sequence[Key], columns: Sequence[ColumnSpec]
    ) -> Callable[[list[Piece], int], bool]:
        """A test of a partial cut of one line (pieces from the right) by its own rules.

        A cell not cut yet lies between 0 and the largest number the digits left can
        spell (the rules' cells are counts and amounts, never negative); a partial cut
        is dropped when a rule can no longer hold.
        """
        local = self.local(keys)
        width = len(keys)
        kinds = [(c.kind, c.unit) for c in reversed(columns)]  # by piece, from the right
        numbers: dict[tuple[str, int], int | Decimal | None] = {}

        def number(raw: str, k: int) -> int | Decimal | None:
            got = numbers.get((raw, k), False)
            if got is False:
                kind, unit = kinds[k]
                value = parsed(raw, kind, unit)
                got = value.value if isinstance(value, Number) else None
                numbers[(raw, k)] = got
            return got

        known: list[int | Decimal | None] = [None] * width

        def ok(acc: list[Piece], left: int) -> bool:
            # Called after each piece is cut, so only the last piece is new: the cells
            # to its left are not cut (any more).
            k = len(acc) - 1
            raw, tok = acc[k]
            if tok.kind == "blank":
                value: int | Decimal | None = 0
            else:
                value = number(raw, k)
                if value is None:
                    return False
            at = width - 1 - k
            known[at] = value
            for i in range(at):
                known[i] = None
            if not local:
                return True
            most = 10**left
            for terms, const, op in local:
                lo: int | Decimal = const
                hi: int | Decimal = const
                for i, w in terms:
                    v = known[i]
                    if v is None:
                        if w > 0:
                            hi += w * most
                        else:
                            lo += w * most
                    else:
                        lo += w * v
                        hi += w * v
                if (op == "==" and not lo <= 0 <= hi) or (op == "<=" and lo > 0):
                    return False
                if op == ">=" and hi < 0:
                    return False
            return True

        return ok

    def fits(self, keys: Sequence[Key], values: dict[Key, Value], local: bool) -> bool:
        seen: set[int] = set()
        for k in keys:
            for n in self.by_cell.get(k, ()):
                if n in seen:
                    continue
                seen.add(n)
                if local and not all(c in keys for c in self.rules[n][0]):
                    continue
                if self.holds(n, values) is False:
                    return False
        return True


_RULES: dict[int, tuple[TableSpec, _Rules]] = {}


def _rules_of(table: TableSpec) -> _Rules:
    """The table's rules in linear form, made once per declared table."""
    got = _RULES.get(id(table))
    if got is None or got[0] is not table:
        if len(_RULES) > 256:
            _RULES.clear()
        got = (table, _Rules(table))
        _RULES[id(table)] = got
    return got[1]


def solve(table: TableSpec, placed: Sequence[Placed], evidence: str = "") -> Reading:
    """Read the values of a table's placed slots.

    Args:
        table: the table.
        placed: its slots as placed.
        evidence: the report's prose, for settling a choice the rules leave open.

    Returns:
        The reading.
    """
    rules = _rules_of(table)
    columns = {c.id: c for c in table.columns}
    fixed: dict[Key, Value] = {}
    out: dict[Key, tuple[str, Token, How, Value]] = {}
    open_: list[tuple[tuple[Key, ...], tuple[tuple[str, ...], ...], str]] = []
    notes: list[str] = []
    choices: list[tuple[Placed, list[list[Piece]], list[list[Value]]]] = []
    for p in placed:
        keys = p.slot.cells
        if p.loose:
            columns_of = [c for _, c in keys]
            pieces = list(_inserted(p.values, p.loose, columns_of, p.pins))
            for tok, pin in zip(p.loose, p.pins, strict=False):
                if pin is not None:
                    notes.append(
                        f"{tok.text!r}, printed apart from its row, placed in "
                        f"{columns[pin].label!r} by the note printed with it"
                    )
        elif len(p.values) == len(keys):
            pieces = [[(t.text, t) for t in p.values]]
        else:
            pieces = []
            ok = rules.pruner(keys, [columns[c] for _, c in keys])
            for n, cut in enumerate(_cuts(p.values, len(keys), ok)):
                if n >= _MAX_CUTS:
                    pieces = []
                    break
                pieces.append(cut)
        readable: list[list[Piece]] = []
        values: list[list[Value]] = []
        for cut in pieces:
            try:
                vals = [
                    _value(raw, columns[c].kind, columns[c].unit, tok)
                    for (raw, tok), (_, c) in zip(cut, keys, strict=True)
                ]
            except ValueParseError:
                continue
            readable.append(cut)
            values.append(vals)
        if len(readable) > 1:
            keep = [
                n
                for n, vals in enumerate(values)
                if rules.fits(keys, dict(zip(keys, vals, strict=True)), local=True)
            ]
            if keep:
                readable = [readable[n] for n in keep]
                values = [values[n] for n in keep]
        if not readable:
            shown = " ".join(t.text for t in p.values)
            open_.append((tuple(keys), (), f"values {shown!r} cannot be read as its cells"))
            continue
        if len(readable) == 1:
            for k, (raw, tok), v in zip(keys, readable[0], values[0], strict=True):
                fixed[k] = v
                out[k] = (raw, tok, _how(p, readable[0], tok) if not tok.joined else "joined", v)
            continue
        choices.append((p, readable, values))
    solutions = _search(rules, fixed, choices)
    if choices:
        # Prose settles a choice only in a table no rule checks: where rules exist, the
        # prose's numbers (a narrative claim, often wrong) must not overrule them.
        _settle(choices, solutions, out, open_, notes, "" if rules.relate else evidence)
    return Reading(out, open_, notes)


def _inserted(
    values: Sequence[Token],
    loose: Sequence[Token],
    columns: Sequence[str],
    pins: Sequence[str | None] = (),
) -> Iterator[list[Piece]]:
    """Every order-keeping way to put a row's lost values back among its printed ones.

    A lost value pinned to a column (by the note printed with it) goes there only.
    """
    width = len(columns)
    if len(values) + len(loose) != width:
        return
    for at in itertools.combinations(range(width), len(loose)):
        if any(pin is not None and columns[i] != pin for i, pin in zip(at, pins, strict=False)):
            continue
        got = iter(loose)
        kept = iter(values)
        row = [next(got) if i in at else next(kept) for i in range(width)]
        yield [(t.text, t) for t in row]


def _how(p: Placed, cut: list[Piece], tok: Token | None = None) -> How:
    if p.loose:
        return "order" if any(tok is t for t in p.loose) else "label"
    if len(cut) != len(p.values):
        return "split"
    return "label" if p.anchor else "order"


def _search(
    rules: _Rules,
    fixed: dict[Key, Value],
    choices: list[tuple[Placed, list[list[Piece]], list[list[Value]]]],
) -> list[tuple[int, ...]] | None:
    """Every combination of the open lines' readings that the table's rules allow.

    None when there are too many to tell.
    """
    found: list[tuple[int, ...]] = []
    values = dict(fixed)
    budget = [_MAX_NODES]
    order = sorted(range(len(choices)), key=lambda n: len(choices[n][1]))
    picked = [0] * len(choices)

    def walk(depth: int) -> bool:
        if depth == len(order):
            found.append(tuple(picked))
            return len(found) < _MAX_SOLUTIONS
        n = order[depth]
        p, _, vals = choices[n]
        keys = p.slot.cells
        for c, v in enumerate(vals):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            values.update(zip(keys, v, strict=True))
            if rules.fits(keys, values, local=False):
                picked[n] = c
                if not walk(depth + 1):
                    for k in keys:
                        values.pop(k, None)
                    return False
            for k in keys:
                values.pop(k, None)
        return True

    complete = walk(0)
    return found if complete else None


_EVIDENCE_UNITS = "件项条个"


def _prose_numbers(evidence: str, label: str) -> set[str]:
    """Numbers the prose states right after words of a line's label."""
    core = normalize_label(label)
    core = re.sub(r"^[\d.()一二三四五六七八九十,]+", "", core)
    if len(core) < 3 or not evidence:
        return set()
    found: set[str] = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[" + _EVIDENCE_UNITS + "]", evidence):
        before = evidence[max(0, m.start() - 12) : m.start()]
        if any(core[i : i + 4] in before for i in range(len(core) - 3)):
            found.add(m.group(1))
    return found


def _settle(
    choices: list[tuple[Placed, list[list[Piece]], list[list[Value]]]],
    solutions: list[tuple[int, ...]] | None,
    out: dict[Key, tuple[str, Token, How, Value]],
    open_: list[tuple[tuple[Key, ...], tuple[tuple[str, ...], ...], str]],
    notes: list[str],
    evidence: str,
) -> None:
    for n, (p, readable, values) in enumerate(choices):
        keys = p.slot.cells
        shown = " ".join(t.text for t in p.values)
        if solutions is None:
            open_.append((tuple(keys), (), f"values {shown!r}: too many readings to tell apart"))
            continue
        alive = sorted({s[n] for s in solutions})
        if not alive:
            alive = list(range(len(readable)))
            why = "no reading of the table satisfies every rule"
        else:
            why = "more than one reading satisfies every rule"
        if p.loose and len(alive) > 1:
            apart = " ".join(t.text for t in p.loose)
            shown = f"{shown} (and {apart}, printed apart from the row)"
            why = f"which of the row's cells {apart!r} fills is left open by the rules"
        if len(alive) > 1:
            stated = (
                _prose_numbers(evidence, p.slot.lines[0].label) if len(p.slot.lines) == 1 else set()
            )
            if stated:
                score = {a: sum(raw in stated for raw, _ in readable[a]) for a in alive}
                top = max(score.values())
                best = [a for a in alive if score[a] == top]
                if top > 0 and len(best) == 1:
                    notes.append(
                        f"{p.slot.lines[0].label}: {shown!r} cut as "
                        f"{'|'.join(r for r, _ in readable[best[0]])}, the only cut the prose's "
                        "numbers for this line agree with"
                    )
                    alive = best
        undecided: list[Key] = []
        for k_i, k in enumerate(keys):
            raws = {readable[a][k_i][0] for a in alive}
            if len(raws) == 1:
                a = alive[0]
                raw, tok = readable[a][k_i]
                out[k] = (raw, tok, _how(p, [], tok) if p.loose else "split", values[a][k_i])
            else:
                undecided.append(k)
        if undecided:
            idx = [keys.index(k) for k in undecided]
            alts = tuple(dict.fromkeys(tuple(readable[a][i][0] for i in idx) for a in alive))
            open_.append((tuple(undecided), alts[:16], f"values {shown!r}: {why}"))
