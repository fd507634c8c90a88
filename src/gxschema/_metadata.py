"""A report's metadata: the agency, the report year and the title as printed.

The title reads ``{agency}{year}年(度)?政府信息公开工作年度报告`` and is often broken over
two or three lines (``鹿城公安分局2020年政府信息公开`` / ``工作年度报告``), or the agency
stands on a line of its own above it; so the first few paragraphs before the first
numbered section are joined, one to three at a time, until they read as a title.  The
year is the report year: from the title; else from the statistics period
(``统计期限自2019年1月1日起至2019年12月31日止``); else from the file name.  Each value
records where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any, Literal, get_args

import attrs

from gxschema._cell import Location

__all__ = ["MetaSource", "Metadata", "agency_key", "metadata_from_json", "read_metadata"]

_AGENCY_DROP = re.compile(r"[\s()\[\]{}<>【】〔〕（）《》“”\"']+")


def agency_key(name: str) -> str:
    """The key one agency's reports are matched by: NFKC, white space and brackets removed."""
    return _AGENCY_DROP.sub("", unicodedata.normalize("NFKC", name))


MetaSource = Literal["title", "period", "file_name", "user"]
"""Where a metadata value came from: the printed title, the statistics-period sentence,
the file name, or the user."""

_SOURCES = frozenset(get_args(MetaSource))
_SPACE = re.compile(r"\s+")
_TITLE = re.compile(
    r"^(?P<agency>.*?)(?P<year>(?:19|20)\d\d)年度?(?P<rest>\S*?政府信息公开\S*?年度报告)$"
)
_PERIOD = re.compile(
    r"(?:统计(?:期限|时限|期间)\S{0,6}?|自)\s*(?P<year>(?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日"
    r"\s*(?:起)?\s*(?:至|到|-|—|－)\s*(?P=year)\s*年\s*12\s*月\s*31\s*日"
)
_FILE_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_SECTION = re.compile(r"^\s*[一二三四五六七八九十]\s*[、.．]")
_AGENCY_JUNK = "：:，,、 \t"
_LOOK = 8  # paragraphs before the first section looked at for the title


@attrs.frozen
class Metadata:
    """What a report says about itself: the agency, the report year and the title.

    Each value records where it came from (``*_from``: ``"title"``, ``"period"`` (the
    statistics-period sentence), ``"file_name"`` or ``"user"``); None when not found.

    Attributes:
        agency: the agency, as the title names it (whitespace removed).
        year: the report year (the statistics period, not the publication date).
        title: the title as printed, its lines joined.
        agency_from: where the agency came from.
        year_from: where the year came from.
        title_from: where the title came from.
        title_source: where the title was read (its first line).
    """

    agency: str | None = None
    year: int | None = None
    title: str | None = None
    agency_from: MetaSource | None = None
    year_from: MetaSource | None = None
    title_from: MetaSource | None = None
    title_source: Location | None = attrs.field(default=None, eq=False)


def _title(texts: Sequence[str]) -> tuple[int, str, re.Match[str]] | None:
    """The first run of one to three paragraphs that reads as a title.

    A run naming the agency is preferred over one that does not.
    """
    found: tuple[int, str, re.Match[str]] | None = None
    for start in range(len(texts)):
        for end in range(start + 1, min(start + 3, len(texts)) + 1):
            printed = "".join(t.strip() for t in texts[start:end])
            m = _TITLE.match(_SPACE.sub("", printed))
            if m is None:
                continue
            if m.group("agency").strip(_AGENCY_JUNK):
                return start, printed, m
            if found is None:
                found = (start, printed, m)
    return found


def read_metadata(
    texts: Sequence[str], source: str | None = None, locations: Sequence[Location | None] = ()
) -> Metadata:
    """Read the metadata from a report's text outside its tables.

    Args:
        texts: the paragraphs, in document order (``Report.prose``'s texts).
        source: the file name, the last fallback for the year.
        locations: where each paragraph was read (parallel to ``texts``), if known.

    Returns:
        The metadata; a value not found is None.
    """
    head: list[str] = []
    for text in texts[: _LOOK * 4]:
        if _SECTION.match(text) or len(head) >= _LOOK:
            break
        head.append(text)
    values: dict[str, Any] = {}
    hit = _title(head)
    if hit is not None:
        start, printed, m = hit
        values.update(
            title=printed, title_from="title", year=int(m.group("year")), year_from="title"
        )
        if start < len(locations):
            values["title_source"] = locations[start]
        agency = m.group("agency").strip(_AGENCY_JUNK)
        if "：" in agency or ":" in agency:  # 示例：某区… / 附件：…
            agency = re.split("[：:]", agency)[-1]
        if agency:
            values.update(agency=agency, agency_from="title")
    if "year" not in values:
        for text in texts:
            period = _PERIOD.search(text)
            if period is not None:
                values.update(year=int(period.group("year")), year_from="period")
                break
    if "year" not in values and source and not source.startswith("<"):
        named = _FILE_YEAR.search(PurePath(source).name)
        if named is not None:
            values.update(year=int(named.group(1)), year_from="file_name")
    return Metadata(**values)


def metadata_to_json(meta: Metadata) -> dict[str, Any]:
    """The metadata as JSON data (None values left out)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(Metadata):
        value = getattr(meta, field.name)
        if value is None:
            continue
        if isinstance(value, Location):
            value = {k: v for k, v in attrs.asdict(value).items() if v is not None}
        out[field.name] = value
    return out


def metadata_from_json(data: object) -> Metadata:
    """Read metadata back from :func:`metadata_to_json`'s output, strictly.

    Raises:
        ValueError: the data is not metadata; the message names every problem, each
            prefixed with its path (``metadata.year``).
    """
    if data is None:
        return Metadata()
    if not isinstance(data, Mapping):
        raise ValueError(f"metadata: an object, not {data!r}")
    problems: list[str] = []
    names = {f.name for f in attrs.fields(Metadata)}
    problems += [f"metadata.{k}: not a part of the metadata" for k in sorted(set(data) - names)]
    values: dict[str, Any] = {}
    for key in ("agency", "title"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"metadata.{key}: a string or null, not {value!r}")
        values[key] = value
    year = data.get("year")
    if year is not None and (type(year) is not int or not 1900 <= year <= 2999):
        problems.append(f"metadata.year: a year (an integer), not {year!r}")
    values["year"] = year
    for key in ("agency_from", "year_from", "title_from"):
        value = data.get(key)
        if value is not None and value not in _SOURCES:
            problems.append(f"metadata.{key}: one of {sorted(_SOURCES)}, not {value!r}")
        values[key] = value
    where = data.get("title_source")
    if where is not None:
        fields = {f.name for f in attrs.fields(Location)}
        if (
            not isinstance(where, Mapping)
            or set(where) - fields
            or any(type(v) is not int for v in where.values())
        ):
            problems.append(f"metadata.title_source: a location, not {where!r}")
        else:
            values["title_source"] = Location(**where)
    if problems:
        raise ValueError("\n".join(problems))
    return Metadata(**values)
