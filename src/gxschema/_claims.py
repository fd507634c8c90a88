"""Narrative claims: the numbers a report's prose states, checked against its tables.

Section 一 of a report usually repeats figures of section 三 in words (``共收到申请2件；
实际办理申请2件``).  The templates declare which words introduce which figure
(:func:`gxschema.dsl.claim`); this module finds them in :attr:`Report.prose
<gxschema.Report.prose>` and compares each number with the cells it repeats.

How a number is attributed to a claim, so that nothing is guessed:

* The prose is read as sentences (up to ``。！？``).  Lines a PDF reader broke inside a
  sentence are joined first: consecutive lines, the first not ending a sentence.
* A number is Arabic (``17``, ``1,234``) or Chinese (``十七``, ``一百零五``, ``两``),
  followed directly by one of a claim's units (``件``, ``起``).
* Its words are the text before it, back to the previous number or clause mark
  (``，；：、`` and brackets).  The claim whose phrase ends nearest the number (then the
  longest such phrase) names it, with at most :data:`MAX_GAP` characters between.
* A number whose words qualify it (``约``, ``近``, ``同比``, ``较上年``, ``纠错``…) is a
  detail, not the figure, and is ignored; so is a number that no phrase introduces,
  and one whose phrase is joined to words before it (``予以公开及部分公开208件`` counts
  two figures at once).
* A claim stated twice in one sentence is checked once, at its first statement: the
  later ones detail it (``其中通过平台收到申请2件``).

A claim holds when the number equals the cells' sum (within the tolerance of
approximate cells), in its declared reading or one of its alternatives (``also=``); the
record says which.  When a cell it needs is missing or blank, it is undecided.  A
percentage printed right after a claim's number (``予以公开10件，占20%``,
``不予公开20件（1.68%）``) is a share (``share_of=``): it holds when the number is that
share of the cells, rounded or cut at the printed digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

import attrs

from gxschema._cell import Location
from gxschema._report import Paragraph, Report
from gxschema._resolve import TemplateLike, spec_of
from gxschema._spec import ClaimSpec, Side, TableSpec, TemplateSpec
from gxschema._validate import CellRef
from gxschema._values import Number

__all__ = [
    "MAX_GAP",
    "ClaimCheck",
    "Sentence",
    "check_claims",
    "location_zh",
    "parse_number",
    "sentences",
]

MAX_GAP = 12
"""The most characters allowed between a claim's phrase and its number."""

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千万"
_NUMBER = re.compile(
    rf"(?<![\d.．,第])(\d{{1,3}}(?:,\d{{3}})+|\d+|[{_CN}]+)(?![\d.．])\s*(?P<unit>[^\s\d])"
)
_END = "。！？!?"
_SENTENCE = re.compile(rf"[^{_END}]*(?:[{_END}]+|$)")
_BREAK = re.compile(r"[，,；;：:、（）()\[\]【】]")
# A percentage right after a claim's number: （17.46%）, ，占20%, ，占比 3.5%.
_SHARE = re.compile(
    r"\s*[（(，,]?\s*(?:占(?:比)?[^\d%％，。；、]{0,8}?)?\s*(\d+(?:\.\d+)?)\s*[%％]"
)
_CLAUSE = re.compile(r"[，,；;：:]")
# A phrase joined to the words before it: the number counts both (予以公开及部分公开).
_JOINED = re.compile(r"(?<![\d件起个项次%％）)\s])\s*(?:及|和|与|或|、|并|加)\s*$")
_OPEN = re.compile(r"[（(【\[]")
# Words that make a number a detail, an estimate or a comparison, not the figure.
_QUALIFIED = re.compile(
    r"近|约|逾|超过|不足|不到|以上|以下|多于|少于|左右|同比|环比|较|上年|去年|增加|减少|增长|下降"
    r"|纠错|纠正|维持|败诉|撤销|驳回|确认违法|其中"
)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])"
)

Holds = Literal["holds", "fails", "undecided"]


def parse_number(text: str) -> int | None:
    """Read a count written in Arabic or Chinese numerals.

    Args:
        text: ``"17"``, ``"1,234"``, ``"十七"``, ``"二十一"``, ``"一百零五"``, ``"两"``.

    Returns:
        The number, or None when the text is not one well-formed number (``"二〇二〇"``
        is a year written digit by digit, ``"万"`` no number at all).

    >>> [parse_number(t) for t in ("17", "十七", "一百零五", "两", "三千零二十", "万")]
    [17, 17, 105, 2, 3020, None]
    """
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    total = section = 0
    digit: int | None = None
    last_unit = 10**9
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row: not a count
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit or (digit is None and (unit != 10 or section or total)):
                return None
            section += (1 if digit is None else digit) * unit
            last_unit, digit = unit, None
        elif ch == "万":
            if (digit is None and not section) or total:
                return None
            total = (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10**9
        else:
            return None
    if digit is not None and digit == 0 and not (section or total):
        return 0 if text in ("零", "〇") else None
    return total + section + (digit or 0)


@attrs.frozen
class Sentence:
    """A sentence of the report's text, with where it was read.

    Attributes:
        text: the sentence, lines a reader broke inside it joined.
        source: where it starts.
        spans: ``(offset, paragraph)`` for each printed line it draws on, so that a
            position in ``text`` can be traced to its line.
    """

    text: str
    source: Location | None
    spans: tuple[tuple[int, Paragraph], ...] = attrs.field(eq=False, repr=False)

    def source_at(self, offset: int) -> Location | None:
        """Where the character at ``offset`` was read."""
        found = self.source
        for start, para in self.spans:
            if start <= offset:
                found = para.source
        return found


def _wrapped(before: Paragraph, after: Paragraph) -> bool:
    """Whether ``after`` continues the sentence ``before`` was cut in (a broken line)."""
    a, b = before.source, after.source
    if a is None or b is None or a.line is None or b.line is None:
        return False
    text = before.text.rstrip()
    if not text or text[-1] in _END + "；;：:" or _HEADING.match(after.text):
        return False
    if _HEADING.match(text) and not re.search(r"[。，；,;]", text):
        return False  # a heading line
    if a.page == b.page:
        return b.line == a.line + 1
    return a.page is not None and b.page == a.page + 1


def sentences(prose: Sequence[Paragraph]) -> Iterator[Sentence]:
    """Split the report's text into sentences, joining lines broken inside one.

    Args:
        prose: the paragraphs, as :attr:`Report.prose <gxschema.Report.prose>` holds them.

    Yields:
        The sentences, in document order.
    """
    passages: list[list[Paragraph]] = []
    for para in prose:
        if passages and _wrapped(passages[-1][-1], para):
            passages[-1].append(para)
        else:
            passages.append([para])
    for passage in passages:
        spans: list[tuple[int, Paragraph]] = []
        text = ""
        for para in passage:
            piece = para.text.strip()
            spans.append((len(text), para))
            text += piece
        for m in _SENTENCE.finditer(text):
            if not m.group().strip():
                continue
            start = m.start()
            kept = tuple(
                (max(0, s - start), p)
                for k, (s, p) in enumerate(spans)
                if s < m.end() and (k + 1 == len(spans) or spans[k + 1][0] > start)
            )
            yield Sentence(m.group().strip(), kept[0][1].source if kept else None, kept)


@attrs.frozen
class ClaimCheck:
    """A number the report's text states, compared with the cells it repeats.

    Attributes:
        claim: the claim id (``T.handled``).
        holds: ``"holds"``, ``"fails"``, or ``"undecided"`` (a cell it needs is missing
            or blank).
        severity: always ``"warning"``: the text is not the data, a disagreement is
            evidence, not an error.
        kind: ``"number"`` (a count the cells repeat) or ``"share"`` (a percentage
            printed after a count, checked against the cells it is a share of).
        stated: the number stated in the text (for a share, the percentage printed).
        value: the table's value in the reading compared (the one that holds, else the
            declared one); for a share, the percentage the stated number makes of the
            cells, to the printed precision; None when undecided.
        reading: that reading, as lines of the table (``new + carried_in``); for a
            share, ``100 × N / cells``.
        table: the table id.
        column: the column id the lines are read in.
        cells: the cells of that reading, with their labels and values.
        sentence: the sentence the number was stated in.
        clause: the clause of it that states the number (``实际办理申请2件``).
        text: the words matched, from the phrase to the unit (``办理申请2件``).
        source: where the number was read.
        message_zh: what it means, in Chinese.
        message_en: what it means, in English.
    """

    claim: str
    holds: Holds
    severity: Literal["warning"]
    kind: Literal["number", "share"]
    stated: int | Decimal
    value: int | Decimal | None
    reading: str
    table: str
    column: str
    cells: tuple[CellRef, ...]
    sentence: str
    clause: str
    text: str
    source: Location | None = attrs.field(eq=False)
    message_zh: str = ""
    message_en: str = ""


@attrs.frozen
class _Found:
    claim: ClaimSpec
    stated: int
    sentence: Sentence
    start: int  # of the phrase
    end: int  # after the unit, or after the percentage
    percent: str | None = None  # the share printed after the number


_Compiled = Sequence[tuple[ClaimSpec, Sequence[re.Pattern[str]]]]


def _compiled(claims: Sequence[ClaimSpec]) -> _Compiled:
    return [(c, [re.compile(p) for p in c.phrases]) for c in claims]


def _find(sentence: Sentence, compiled: _Compiled) -> Iterator[_Found]:
    text = sentence.text
    boundary = 0
    seen: set[str] = set()
    for m in _NUMBER.finditer(text):
        window_start = boundary
        boundary = m.end(1)
        for b in _BREAK.finditer(text, window_start, m.start()):
            window_start = b.end()
        stated = parse_number(m.group(1))
        unit = m.group("unit")
        if stated is None:
            continue
        best: tuple[int, int, ClaimSpec, int] | None = None  # (end, -length, claim, start)
        for claim, patterns in compiled:
            if unit not in claim.units:
                continue
            for pattern in patterns:
                for p in pattern.finditer(text, window_start, m.start()):
                    key = (p.end(), p.end() - p.start())
                    if best is None or key > (best[0], -best[1]):
                        best = (p.end(), -(p.end() - p.start()), claim, p.start())
        if best is None:
            continue
        end, _, claim, start = best
        gap = text[end : m.start()]
        if len(gap.strip()) > MAX_GAP or _QUALIFIED.search(gap):
            continue
        if _JOINED.search(text, 0, start):
            continue  # 予以公开及部分公开N件: one number for two figures
        if claim.id in seen:
            continue  # a later statement in the sentence details the first
        seen.add(claim.id)
        yield _Found(claim, stated, sentence, start, m.end())
        share = _SHARE.match(text, m.end())
        if share is not None and claim.share is not None:
            yield _Found(claim, stated, sentence, start, share.end(), share.group(1))


def _clause(text: str, start: int, end: int) -> str:
    """The clause from ``start`` to at least ``end``: the words around a statement."""
    left = max((b.end() for b in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((b.start() for b in _CLAUSE.finditer(text, end)), len(text))
    right = min(right, next((b.start() for b in _OPEN.finditer(text, end)), right))
    return text[left:right].strip().rstrip(_END)


def _cell_refs(report: Report, table: TableSpec, side: Side) -> tuple[CellRef, ...]:
    refs = []
    for t in side.terms:
        cell = report.cell(table.id, t.line, t.column)
        value = cell.value.value if cell is not None and isinstance(cell.value, Number) else None
        refs.append(
            CellRef(
                line_id=t.line,
                line_label=table.line(t.line).label,
                column_id=t.column,
                column_label=table.column(t.column).label,
                value=value,
                raw=cell.raw if cell is not None else None,
            )
        )
    return tuple(refs)


def _sum(
    report: Report, table: TableSpec, side: Side
) -> tuple[int | Decimal, int | Decimal] | None:
    value: int | Decimal = 0
    tolerance: int | Decimal = 0
    for t in side.terms:
        cell = report.cell(table.id, t.line, t.column)
        if cell is None or not isinstance(cell.value, Number):
            return None
        value += t.weight * cell.value.value
        tolerance += abs(t.weight) * cell.value.tolerance
    return value, tolerance


def where(table: TableSpec, side: Side) -> str:
    """Name the cells of a reading: ``（七）总计`` or ``（三）不予公开（8 项之和）``."""
    column = table.column(side.terms[0].column).label
    labels = [table.line(t.line).label for t in side.terms]
    if len(labels) == 1:
        return f"{labels[0]}·{column}"
    paths = {table.line(t.line).path for t in side.terms}
    if len(paths) == 1 and (path := next(iter(paths))):
        return f"{path[-1]}（{len(labels)} 项之和）·{column}"
    return f"{'＋'.join(labels)}·{column}"


def _within(stated: int, value: int | Decimal, tolerance: int | Decimal) -> bool:
    return bool(value - tolerance <= stated <= value + tolerance)


def _fmt(x: int | Decimal) -> str:
    return format(x.normalize(), "f") if isinstance(x, Decimal) else str(x)


def _place(found: _Found) -> tuple[str, Location | None, str, str]:
    """The clause quoted, where it was read, and that place said in both languages."""
    sentence = found.sentence
    clause = _clause(sentence.text, found.start, found.end)
    source = sentence.source_at(found.start)
    at = f"（{location_zh(source)}）" if source is not None else ""
    at_en = f" ({source})" if source is not None else ""
    return clause, source, at, at_en


def location_zh(source: Location) -> str:
    """A place in the input, in Chinese: 第1页第23行."""
    words = (("page", "第{}页"), ("line", "第{}行"), ("table", "表{}"), ("row", "行{}"))
    said = "".join(w.format(getattr(source, k)) for k, w in words if getattr(source, k) is not None)
    return said or str(source)


def _share(report: Report, table: TableSpec, found: _Found, of: Side, percent: str) -> ClaimCheck:
    """A percentage after a claim's number: 100 × the number / the cells, as printed."""
    claim = found.claim
    stated = Decimal(percent)
    places = -stated.as_tuple().exponent  # type: ignore[operator]
    unit = Decimal(1).scaleb(-places)
    total = _sum(report, table, of)
    value: Decimal | None = None
    status: Holds = "undecided"
    if total is not None and total[0] > 0 and total[1] == 0:
        exact = Decimal(100 * found.stated) / Decimal(total[0])
        value = exact.quantize(unit, rounding=ROUND_HALF_UP)
        truncated = exact.quantize(unit, rounding=ROUND_DOWN)
        status = "holds" if stated in (value, truncated) else "fails"
    clause, source, at, at_en = _place(found)
    name = f"{table.label} · {where(table, of)}"
    if status == "holds":
        zh = f"正文“{clause}”{at}的比例与表中{name}一致"
        en = f"the share in “{clause}”{at_en} agrees with the table's {name}"
    elif status == "fails":
        zh = (
            f"正文“{clause}”{at}称占 {percent}%，但 {found.stated} 占表中{name}"
            f"（{_fmt(total[0] if total else 0)}）的 {_fmt(value or 0)}%"
        )
        en = (
            f"the text “{clause}”{at_en} states {percent}%, but {found.stated} of the table's "
            f"{name} ({_fmt(total[0] if total else 0)}) is {_fmt(value or 0)}%"
        )
    else:
        zh = f"正文“{clause}”{at}称占 {percent}%，表中{name}空白、缺失或为 0，无法核对"
        en = (
            f"the text “{clause}”{at_en} states {percent}%; the table's {name} is blank, "
            "missing or 0, so it cannot be checked"
        )
    return ClaimCheck(
        claim=claim.share_id,
        holds=status,
        severity="warning",
        kind="share",
        stated=stated,
        value=value,
        reading=f"100 × {found.stated} / ({of.expr})",
        table=table.id,
        column=claim.column,
        cells=_cell_refs(report, table, of),
        sentence=found.sentence.text,
        clause=clause,
        text=found.sentence.text[found.start : found.end],
        source=source,
        message_zh=zh,
        message_en=en,
    )


def _judge(report: Report, spec: TemplateSpec, found: _Found) -> ClaimCheck | None:
    claim = found.claim
    try:
        table = spec.table(claim.table)
    except KeyError:
        return None
    if claim.table not in report.tables:
        return None  # the table is not in the report: nothing to compare with
    if found.percent is not None and claim.share is not None:
        return _share(report, table, found, claim.share, found.percent)
    decided: list[tuple[Side, tuple[int | Decimal, int | Decimal]]] = []
    for side in claim.readings:
        total = _sum(report, table, side)
        if total is not None:
            decided.append((side, total))
    agree = [(side, t) for side, t in decided if _within(found.stated, *t)]
    chosen = claim.readings[0]
    value: int | Decimal | None = None
    status: Holds = "undecided"
    if agree:
        (chosen, (value, _)), status = agree[0], "holds"
    elif decided:
        (chosen, (value, _)), status = decided[0], "fails"
    sentence = found.sentence
    clause, source, at, at_en = _place(found)
    name = f"{table.label} · {where(table, chosen)}"
    also = chosen is not claim.readings[0]
    if status == "holds":
        zh = f"正文“{clause}”{at}与表中{name}（{_fmt(value or 0)}）一致"
        en = f"the text “{clause}”{at_en} agrees with the table's {name} ({_fmt(value or 0)})"
        if also:
            zh += f"，按 {chosen.expr} 计"
            en += f", read as {chosen.expr}"
    elif status == "fails":
        assert value is not None
        zh = f"正文“{clause}”{at}称 {found.stated}，但表中{name}为 {_fmt(value)}"
        en = (
            f"the text “{clause}”{at_en} states {found.stated}, but the table's {name} "
            f"is {_fmt(value)}"
        )
    else:
        zh = f"正文“{clause}”{at}称 {found.stated}，表中{name}空白或缺失，无法核对"
        en = (
            f"the text “{clause}”{at_en} states {found.stated}; the table's {name} is blank "
            "or missing, so it cannot be checked"
        )
    return ClaimCheck(
        claim=claim.id,
        holds=status,
        severity="warning",
        kind="number",
        stated=found.stated,
        value=value,
        reading=chosen.expr,
        table=table.id,
        column=claim.column,
        cells=_cell_refs(report, table, chosen),
        sentence=sentence.text,
        clause=clause,
        text=sentence.text[found.start : found.end],
        source=source,
        message_zh=zh,
        message_en=en,
    )


def check_claims(report: Report, *, template: TemplateLike | None = None) -> tuple[ClaimCheck, ...]:
    """Find the numbers the report's text states and check them against its tables.

    Args:
        report: the report, with its text (:attr:`Report.prose <gxschema.Report.prose>`,
            filled by the readers).
        template: the template whose claims to look for: an id, a declaration or a spec
            (default: the one the report was read with).

    Returns:
        One record per claim stated (per sentence), in document order: those that hold,
        those that fail (warnings naming the sentence and the cells) and those the table
        cannot decide.  Claims on a table the report does not contain are left out.

    Raises:
        UnknownTemplateError: the report carries no spec, names a template that is not
            registered, and none was given.
    """
    spec = spec_of(report, template)
    claims = spec.claims
    if not claims or not report.prose:
        return ()
    out: list[ClaimCheck] = []
    compiled = _compiled(claims)
    for sentence in sentences(report.prose):
        for found in _find(sentence, compiled):
            checked = _judge(report, spec, found)
            if checked is not None:
                out.append(checked)
    return tuple(out)
