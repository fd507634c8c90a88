"""Label normalisation and matching, shared by every reader and by the declarations.

Reports spell the official labels many ways: full- or half-width brackets and colons,
curly or straight quotes, ``、`` or ``，``, ``1、`` for ``1.``, stray spaces and line
breaks inside a label, and parenthesised annotations added by a province
(``规章(设区的市、自治州人民政府应提供相关数据)``).  :func:`normalize_label` folds all of
these, so that matching compares one canonical key on both sides.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

__all__ = ["enumerator", "normalize_label", "similarity", "similarity_at_least"]

_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』〝〞")
# A leading item number: "1." / "1、" / "1．" / "(一)" / "一、".
_LEAD_NUMBER = re.compile(r"^(\d+)[、,.]")
_LEAD_CN = re.compile(r"^([一二三四五六七八九十]+)[、,.]")
_LEAD_PAREN = re.compile(r"^\(([一二三四五六七八九十\d]+)\)")


_ENUMERATORS = (_LEAD_PAREN, re.compile(r"^\d+\."), re.compile(r"^[一二三四五六七八九十]+,"))
_ENUMERATOR_GROUP = re.compile(r"\([一二三四五六七八九十\d]{1,3}\)")


def _strip_annotations(text: str) -> str:
    """Remove parenthesised groups that follow the label's own text.

    An item number in brackets (``(一)``, ``(12)``) is part of the label wherever it
    stands (``第二十条第(一)项``), so it is kept.
    """
    lead = ""
    m = _LEAD_PAREN.match(text)
    if m:
        lead, text = text[: m.end()], text[m.end() :]
    if text.startswith("("):
        # The whole label is parenthesised (section 三's corner note): keep it.
        return lead + text
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if depth == 0 and ch == "(":
            keep = _ENUMERATOR_GROUP.match(text, i)
            if keep:
                out.append(keep.group(0))
                i = keep.end()
                continue
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
        i += 1
    return lead + "".join(out)


@lru_cache(maxsize=8192)
def normalize_label(text: str) -> str:
    """Return the canonical matching key of a label.

    NFKC (full-width brackets, colons and digits become ASCII), all whitespace removed
    (including NBSP and the ideographic space), quotes removed, ``、`` and ``，`` folded to
    ``,``, a leading ``1、`` written ``1.``, and parenthesised annotations after the
    label's own text removed (a leading ``(一)`` is kept).

    Args:
        text: the label as printed.

    Returns:
        The key; equal keys mean the same label.
    """
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE.sub("", s).translate(_QUOTES)
    s = s.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    s = _LEAD_NUMBER.sub(lambda m: m.group(1) + ".", s, count=1)
    s = _LEAD_CN.sub(lambda m: m.group(1) + "、", s, count=1)
    s = _strip_annotations(s)
    return s.replace("、", ",").replace(";", ",")


def enumerator(key: str) -> str | None:
    """Return the leading item number of a normalised label (``"2."``, ``"(三)"``), if any.

    Args:
        key: a label already passed through :func:`normalize_label`.

    Returns:
        The enumerator as written in the key, or None.
    """
    for pattern in _ENUMERATORS:
        m = pattern.match(key)
        if m:
            return m.group(0)
    return None


def similarity(a: str, b: str) -> float:
    """Return how alike two normalised labels are, from 0.0 to 1.0.

    Args:
        a: one key.
        b: the other.

    Returns:
        The ratio of matching characters (``difflib``).
    """
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def similarity_at_least(a: str, b: str, floor: float) -> float:
    """Return :func:`similarity` when it can reach ``floor``, else 0.0, cheaply.

    The exact ratio takes time quadratic in the lengths; two upper bounds that take
    linear time (from the lengths, then from the characters shared) rule out most
    pairs first, so a long text compared with short labels costs little.

    Args:
        a: one key.
        b: the other.
        floor: the least ratio of interest.

    Returns:
        The ratio, or 0.0 when it is below ``floor``.
    """
    total = len(a) + len(b)
    if total and 2 * min(len(a), len(b)) < floor * total:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < floor:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= floor else 0.0
