r"""An HTML page before it is parsed: decoding, sniffing, and what is removed or refused.

The input is untrusted.  It is size-capped before it is decoded, decoding never drops
text (bad bytes become U+FFFD), nothing is ever fetched, and the two ways HTML tree
construction goes superlinear are shut before parsing: inline tags (``<b>``, ``<font>``,
``<span>``, Word's ``<o:p>`` …, which carry no structure) are removed, so no formatting
element can be reconstructed over and over, and on pages with many tags a quick scan
refuses markup nested so deep that building the tree would take quadratic time.

:func:`prepare` does all of it for :func:`gxschema._readers._html.read_html`, which
parses what it returns.
"""

from __future__ import annotations

import codecs
import functools
import re

from gxschema._readers._asides import CLOSE, OPEN, clean
from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = [
    "MAX_NESTING",
    "MAX_TAGS",
    "MAX_TEXT_RUN",
    "ascii_view",
    "decode_html",
    "looks_like_html",
    "prepare",
]

MAX_TAGS = 200_000
"""More ``<`` than this and the input is refused: a report page has a few thousand tags."""
MAX_NESTING = 5000
"""Deeper estimated element nesting is refused (pages nest a few dozen levels)."""
MAX_TEXT_RUN = 1_000_000
"""Text longer than this (characters of markup between two tags, outside ``<script>``,
``<style>`` and the like) is refused before the page is parsed: no cell or paragraph of
a report comes near it, and parsing and reading it would take memory many times its
size."""
# A run between two "<" (a tag, then its text), tried only where a run starts, so the
# scan is linear; and the elements whose text is never read.
_LONG_RUN = re.compile(f"(?<![^<])[^<]{{{MAX_TEXT_RUN},}}")
_TAG_NAME = re.compile(r"/?([A-Za-z][A-Za-z0-9:-]*)")
_UNREAD = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
     "math", "select", "textarea", "xml"}
)  # fmt: skip

_MAX_NESTING_WORK = 30_000_000  # sum of nesting depth over all tags: bounds the parser's work
# With this few tags tree building is cheap however they nest (work <= 2·tags² steps).
_SCAN_FROM_TAGS = 2000
_CLOSE_WALK = 64  # how far down the open elements an end tag is looked for in the scan

# -- decoding ------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_PRESCAN = 8192  # bytes searched for a declared charset (browsers stop at 1024)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?charset\s*=\s*["']?\s*([a-z0-9_.:+-]{1,40})""", re.I
)
_GB_LABELS = frozenset(
    {
        "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312", "gb_2312-80",
        "csgb2312", "chinese", "iso-ir-58", "csiso58gb231280", "gb18030", "euc-cn", "x-euc-cn",
    }
)  # fmt: skip
_BIG5_LABELS = frozenset({"big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "big5hkscs"})
# Codecs a declaration may select (Python names); anything else is ignored, so a page
# cannot pick a codec that is not a text encoding or that decodes slowly.
_CODECS = frozenset(
    {
        "utf-8", "gb18030", "big5hkscs", "cp1252", "cp932", "euc_jp", "iso2022_jp", "cp949",
        "koi8-r", "koi8-u", "cp866", "mac-cyrillic", "cp874",
        *(f"cp{n}" for n in range(1250, 1259)),
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    }
)  # fmt: skip
_LATIN = frozenset({"iso8859-1", "ascii", "latin-1", "cp1252"})


def _declared_codec(head: bytes) -> str | None:
    """The Python codec a page's ``<meta>`` declares, mapped as browsers map labels."""
    m = _META_CHARSET.search(head)
    if m is None:
        return None
    label = m.group(1).decode("ascii").lower()
    if label in _GB_LABELS:
        return "gb18030"  # a superset of GB2312 and GBK: 喆 and 镕 decode
    if label in _BIG5_LABELS:
        return "big5hkscs"
    if label.startswith("utf-16") or label in ("utf8", "unicode-1-1-utf-8"):
        return "utf-8"  # a page readable as ASCII cannot be UTF-16 (the HTML standard's rule)
    if label in ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"):
        return "cp932"
    if label in ("euc-kr", "ks_c_5601-1987", "korean"):
        return "cp949"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _LATIN:
        return "cp1252"
    return name if name in _CODECS else None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 told by its zero bytes (ASCII markup has one in every code unit)."""
    sample = head[:64]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= len(sample) // 2 - 2 and even == 0:
        return "utf-16-le"
    if even >= len(sample) // 2 - 2 and odd == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    """Decode a page's bytes, never dropping text.

    A byte-order mark decides; else bytes that are valid UTF-8 are UTF-8 (GBK text is
    practically never valid UTF-8, and pages declaring gb2312 while being UTF-8 are
    common); else the declared charset (GB2312 and GBK read as GB18030), then GB18030.
    When none decodes cleanly, the one with the fewest bad bytes is used, each bad byte
    becoming U+FFFD: a decoding problem never cuts the document short.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, "replace")
    candidates = ["utf-8"]
    declared = _declared_codec(data[:_PRESCAN])
    if declared is not None and declared not in candidates:
        candidates.append(declared)
    if "gb18030" not in candidates:
        candidates.append("gb18030")
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    decoded = [data.decode(codec, "replace") for codec in candidates]
    return min(decoded, key=lambda s: s.count("\ufffd"))


def decode_html(data: bytes) -> str:
    """Decode a page's bytes as :func:`read_html` does, without a byte-order mark.

    Args:
        data: the page's bytes.

    Returns:
        The page's text; bytes no candidate encoding decodes are U+FFFD.
    """
    text = _decode(data)
    return text[1:] if text.startswith("\ufeff") else text


# -- sniffing ------------------------------------------------------------------------

_HTML_MARK = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|table)[\s/>]", re.I)


def looks_like_html(head: bytes) -> bool:
    """Tell whether the start of an input looks like HTML.

    Args:
        head: the first bytes of the input (about 4 KB is enough; more is ignored).

    Returns:
        True when the first 4 KB hold ``<!doctype html``, ``<html``, ``<head``,
        ``<body``, ``<meta`` or ``<table`` (any case, after any byte-order mark or white
        space, in an ASCII-compatible encoding or UTF-16); False for ZIP and PDF data.
    """
    head = bytes(head[:4096])
    if head.startswith((b"PK\x03\x04", b"%PDF-")):
        return False
    codec = None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith((b"\xfe\xff", b"\xff\xfe")):
        codec = "utf-16-be" if head.startswith(b"\xfe\xff") else "utf-16-le"
        head = head[2:]
    else:
        codec = _utf16_without_bom(head)
    if codec is not None:
        head = head.decode(codec, "ignore").encode("utf-8", "ignore")
    return _HTML_MARK.search(head) is not None


# -- before parsing: inline tags and nesting ------------------------------------------

# Tags that carry no structure.  The formatting elements among them (a, b, font, i, …)
# are the ones HTML tree construction reconstructs after an implicit close, which a few
# KB of hostile markup can turn into millions of elements; removing the tags keeps their
# text and takes that away.  Word's namespaced tags (<o:p>, <st1:chsdate>) go too.
_INLINE_TAG = re.compile(
    # a abbr acronym b bdi bdo big cite code del dfn em font i img ins kbd label mark nobr
    # q s samp small span strike strong sub sup tt u var wbr, and o:p, st1:chsdate …
    r"</?(?:a(?:bbr|cronym)?|b(?:d[io]|ig)?|c(?:ite|ode)|d(?:el|fn)|em|font|i(?:mg|ns)?|kbd"
    r"|label|mark|nobr|q|s(?:amp|mall|pan|trike|trong|u[bp])?|tt|u|var|wbr"
    r"|[a-z][a-z0-9]*+:[a-z][a-z0-9._-]*+)(?=[\s/>])"
    # attributes (a quoted < or > keeps the tag), the loop unrolled: runs of plain
    # characters between quoted values, which the regex engine scans several times faster
    r"""[^<>"']*+(?:(?:"[^"<>]*+"|'[^'<>]*+')[^<>"']*+)*+>""",
    re.I,
)
# The same without IGNORECASE, which makes the search several times slower: used when
# every tag name in the page is lower-case ASCII, where the two match alike.
_INLINE_TAG_LOWER = re.compile(_INLINE_TAG.pattern)
# A "<" or "</" followed by name characters and then anything but lower-case ASCII name
# characters or the end of a name (an upper-case letter, or a letter IGNORECASE folds,
# such as U+017F).  The classes exclude "<", so the runs scanned from different "<"
# never overlap: the search is linear.  (The runs are possessive, here and in the names
# above: a class the next one excludes gives nothing back, so backtracking is wasted.)
_NOT_LOWER_NAME = re.compile(r"</?[a-z0-9:._-]*+[^a-z0-9:._\-\s/>!?<]")


# -- asides: footnote marks, struck-out and hidden text -------------------------------

_ASIDE_NAMES = frozenset({"sup", "sub", "s", "strike", "del"})
_TAG_REST = r"""(?=[\s/>])((?:[^<>"']++|"[^"<>]*+"|'[^'<>]*+')*+)>"""  # attributes
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*(?::[a-z][a-z0-9._-]*)?)" + _TAG_REST, re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]*))?""")
_DISPLAY_NONE = re.compile(r"(?:^|[;\s\"'])display\s*:\s*none", re.I)
# The start of an aside element's tag, in the page's ASCII bytes lower-cased (each
# character past ASCII a "?"): a byte after the name that is not a name character may
# be white space (Unicode's, in str patterns, is a "?" here), "/" or ">".
# (<sup, <sub, <strike and <del are looked for as they are, a longer name let by.)
_S_START_BYTES = re.compile(rb"<s[^a-z0-9]")
# display:none, white space between (Unicode's being "?" here).
_DISPLAY_NONE_BYTES = re.compile(rb"display[\s?]*:[\s?]*none")
# The names of the aside elements' tags, as :data:`_TAG` reads them.
_ASIDE_TAG_NAME = re.compile(r"<(?i:su[bp]|strike|del|s)(?=[\s/>])")
# Letters that IGNORECASE matches to ASCII ones of "display" and "sup"… (İ ı ſ):
# where the page holds one, the quick tests below are not enough.
_FOLDED = ("\u0130", "\u0131", "\u017f")


def _hidden(attributes: str) -> bool:
    """Whether a start tag's attributes hide it: ``hidden``, or ``display:none``."""
    for m in _ATTRIBUTE.finditer(attributes):
        name = m.group(1).lower()
        if name == "hidden":
            return True
        if name == "style" and m.group(2) and _DISPLAY_NONE.search(m.group(2)):
            return True
    return False


def _aside_names(text: str, low: bytes | None = None) -> frozenset[str] | None:
    """The tag names (lower-cased) whose elements may be asides; None for any inline one.

    Quick tests over the page's ASCII bytes, lower-cased, every other character one
    ``?`` (so fast): an aside element's start tag, and the words ``hidden`` and
    ``display`` (without either, no element is hidden).  A test may pass where the
    page has no aside (a printed ``?`` taken for white space), never the other way
    round.  Only a tag of one of the names returned can be an aside, so only those need
    the nesting count of :func:`_mark_asides`.

    ``low`` may be the page's own bytes lower-cased (see :func:`ascii_view`), saving
    the encoding: every ASCII character of the text is there as itself, in order, and
    no other byte is an ASCII letter, ``<`` or white space where the text has none
    that the tests look for, so they pass wherever they pass on the text.  (The test
    for ``display:none`` is made on the text's own bytes, when the word is there: a
    character's bytes may hold digits, which the test would not take for white space.)
    """
    if any(ch in text for ch in _FOLDED):
        return None
    if low is None:
        low = text.encode("ascii", "replace").lower()  # one byte a character, "?" if not ASCII
    if b"hidden" in low:
        return None
    if b"display" in low:
        own = text.encode("ascii", "replace").lower()
        if _DISPLAY_NONE_BYTES.search(own):
            return None
    if (
        b"<su" not in low
        and b"<strike" not in low
        and b"<del" not in low
        and _S_START_BYTES.search(low) is None
    ):
        return frozenset()
    found = {m.group(0)[1:].lower() for m in _ASIDE_TAG_NAME.finditer(text)}
    return frozenset(found & _ASIDE_NAMES)


def ascii_view(data: bytes) -> bytes | None:
    """A page's bytes lower-cased, for the quick tests of :func:`_aside_names`.

    None for UTF-16, the one encoding :func:`decode_html` may use that does not write
    ASCII characters as themselves.
    """
    if data.startswith((b"\xfe\xff", b"\xff\xfe")) or _utf16_without_bom(data) is not None:
        return None
    return data.lower()


@functools.cache
def _tags_named(names: frozenset[str]) -> re.Pattern[str]:
    """:data:`_TAG` for these names only (its matches of them, and no others)."""
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"<(/?)((?i:{alternatives})){_TAG_REST}")


def _mark_asides(text: str, low: bytes | None = None) -> str:
    """Wrap the text of inline asides in :data:`~gxschema._readers._asides.OPEN` … ``CLOSE``.

    An aside is a ``<sup>``, ``<sub>``, ``<s>``, ``<strike>`` or ``<del>`` element, or an
    inline element hidden by ``display:none`` or the ``hidden`` attribute.  Each start
    tag of one becomes the open mark and its end tag (found by counting that element's
    nesting) the close mark, so the text is kept, apart, through the removal of the
    inline tags and the parse.  One pass, linear in the page; each name's tags are
    counted on their own, so when no element can be hidden only the aside elements'
    names are looked at (see :func:`_aside_names`).
    """
    text = clean(text)  # a page's own marks are text, not asides
    names = _aside_names(text, low)
    if names is not None and not names:
        return text
    open_: dict[str, list[bool]] = {}

    def mark(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if names is not None and name not in names:
            return m.group(0)
        if name not in _INLINE_NAMES and ":" not in name:
            return m.group(0)
        stack = open_.setdefault(name, [])
        if m.group(1):  # an end tag
            if stack and stack.pop():
                return CLOSE
            return m.group(0)
        attributes = m.group(3)
        if attributes.rstrip().endswith("/"):
            return m.group(0)  # self-closing: holds nothing
        aside = name in _ASIDE_NAMES or _hidden(attributes)
        stack.append(aside)
        return OPEN if aside else m.group(0)

    if names is None:
        return _TAG.sub(mark, text)
    # Only the tags of these names: the same matches _TAG finds for them (a match of
    # _TAG holds no "<" but its first, so no match of another name hides one of these).
    return _tags_named(names).sub(mark, text)


_INLINE_NAMES = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em",
        "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "tt", "u", "var", "wbr",
    }
)  # fmt: skip


def _strip_inline(text: str) -> str:
    """Remove the inline tags (see :data:`_INLINE_TAG`), quickly when names are lower-case."""
    # A name the quick pattern might miss survives its removal (the pattern's matches
    # hold no "<" but their first), so looking for one in the shorter result is enough;
    # one that only the removal brought together sends it to the slow path, harmlessly.
    stripped = _INLINE_TAG_LOWER.sub("", text)
    if _NOT_LOWER_NAME.search(stripped) is None:
        return stripped
    return _INLINE_TAG.sub("", text)


# Comments (an unclosed one runs to the end, as in HTML), Word's <![if …]> markers and
# <?…?> instructions.  Gone before parsing, they cannot part a line's text in two.
_COMMENT = re.compile(
    r"<!--(?:>|->|.*?(?:--!?>|\Z))|<!(?!--|doctype)[^>]*+(?:>|\Z)|<\?[^>]*+(?:>|\Z)", re.S | re.I
)
_SCAN_TOKEN = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\s/>]*))")
_RAW_TEXT = {
    name: re.compile(rf"</{name}[\s/>]", re.I)
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
}
_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image",
        "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
# Elements whose end tag may be left out: they close implicitly and do not nest in
# themselves, so the scan does not count them (their table or list is counted).
_IMPLIED_END = frozenset(
    {
        "html", "head", "body", "p", "li", "dt", "dd", "td", "th", "tr", "tbody", "thead",
        "tfoot", "caption", "colgroup", "option", "optgroup", "rb", "rt", "rtc", "rp",
    }
)  # fmt: skip
_ROW_TAGS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot", "caption", "colgroup"})
_WEIGHT = {"table": 4, "ul": 2, "ol": 2, "dl": 2, "menu": 2, "select": 2}  # element + implied


def _unstrip(text: str, pattern: re.Pattern[str], pos: int) -> int:
    """Map a position in ``pattern.sub("", text)`` back to the same place in ``text``."""
    shift = 0
    for m in pattern.finditer(text):
        if m.start() - shift > pos:
            break
        shift += m.end() - m.start()
    return pos + shift


def _source_line(original: str, pos: int) -> Location:
    """The line, in the page as decoded, of a position in the page as parsed."""
    uncommented = _COMMENT.sub("", original)
    at = _unstrip(original, _COMMENT, _unstrip(uncommented, _INLINE_TAG, pos))
    return Location(line=original.count("\n", 0, at) + 1)


def _check_nesting(text: str) -> int | None:
    """Refuse markup whose nesting would make building the tree take quadratic time.

    Tree construction looks down the stack of open elements for most tags, so its work
    is the sum, over tags, of the nesting depth.  This scan estimates that depth with a
    small model of the stack (elements with implied end tags are not counted; a cell or
    row start closes what is open in its table; an end tag closes down to its element)
    and stops past :data:`MAX_NESTING` levels or a fixed amount of work.

    Returns:
        Where the markup nests too deep, or None when it does not.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    depth = work = 0
    pos = 0
    search = _SCAN_TOKEN.search
    while (m := search(text, pos)) is not None:
        pos = m.end()
        if m.group(1):  # a comment: skip to its end (an unclosed one runs to the end)
            end = text.find("-->", pos)
            if end < 0:
                return None
            pos = end + 3
            continue
        work += depth
        name = m.group(3).lower()
        if m.group(2):  # an end tag
            if open_count.get(name, 0) <= 0:
                continue
            for k in range(len(stack) - 1, max(len(stack) - 1 - _CLOSE_WALK, -1), -1):
                if stack[k] == name:
                    while len(stack) > k:
                        gone = stack.pop()
                        open_count[gone] -= 1
                        depth -= _WEIGHT.get(gone, 1)
                    break
                if stack[k] == "table":
                    break
            continue
        raw = _RAW_TEXT.get(name)
        if raw is not None:
            closing = raw.search(text, pos)
            if closing is None:
                return None  # the rest of the page is this element's text
            pos = closing.end()
            continue
        if name == "plaintext":
            return None
        if name in _VOID:
            continue
        if name in _IMPLIED_END:
            if name in _ROW_TAGS and open_count.get("table", 0) > 0:
                while stack[-1] != "table":
                    gone = stack.pop()
                    open_count[gone] -= 1
                    depth -= _WEIGHT.get(gone, 1)
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        depth += _WEIGHT.get(name, 1)
        if depth > MAX_NESTING or work > _MAX_NESTING_WORK:
            return m.start()
    return None


# -- all of it -------------------------------------------------------------------------


def prepare(text: str, *, source: str, low: bytes | None = None) -> str:
    """The markup to parse: comments and inline tags gone, the page's size checked.

    Args:
        text: the decoded page.
        source: the input's name, for errors.
        low: the page's bytes lower-cased, when it was decoded from bytes (see
            :func:`ascii_view`).

    Returns:
        The markup without comments, Word's markers and inline tags; the text of
        superscripts, subscripts, struck-out and hidden inline elements is wrapped in
        the aside marks (:mod:`gxschema._readers._asides`).

    Raises:
        ParseError: the page has over :data:`MAX_TAGS` tags, text over
            :data:`MAX_TEXT_RUN` characters between two tags, or nests too deep.
    """
    if len(text) > MAX_TAGS and text.count("<") > MAX_TAGS:
        raise ParseError(
            f"the input has over {MAX_TAGS} tags; a report page has a few thousand",
            source=source,
        )
    markup = _strip_inline(_mark_asides(_COMMENT.sub("", text), low))
    _check_text_runs(markup, text, source)
    if markup.count("<") > _SCAN_FROM_TAGS:
        too_deep = _check_nesting(markup)
        if too_deep is not None:
            raise ParseError(
                f"the markup nests too deep (over {MAX_NESTING} levels, or too much "
                "nesting in all); a report page nests a few dozen levels",
                source=source,
                location=_source_line(text, too_deep),
            )
    return markup


def _check_text_runs(markup: str, original: str, source: str) -> None:
    """Refuse text over :data:`MAX_TEXT_RUN` characters between two tags (see there)."""
    for m in _LONG_RUN.finditer(markup):
        start, end = m.span()
        close = markup.find(">", start, end)
        text = end - close - 1 if close >= 0 else (0 if start else end)  # all of it a tag
        name = _TAG_NAME.match(markup, start) if start else None
        if name is not None and name.group(1).lower() in _UNREAD:
            continue
        if text > MAX_TEXT_RUN:
            raise ParseError(
                f"the page holds {text} characters of text between two tags, over the "
                f"limit of {MAX_TEXT_RUN}; a report's cells and paragraphs hold far fewer",
                source=source,
                location=_source_line(original, start),
            )
