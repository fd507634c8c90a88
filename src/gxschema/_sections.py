"""The numbered sections of a report (一、总体情况 … 六、其他需要报告的事项), found in its prose.

A heading is a paragraph that starts with a section's number (``五、``, ``五.``, ``五．``)
followed by a title holding one of the section's keywords, so that the longer titles
agencies print (``五、政府信息公开工作存在的主要问题及改进情况``) are recognised and the
numbered points of the text (``一是…``, ``（一）…``) are not.  A section's text is the
paragraphs between its heading and the next section's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gxschema._labels import normalize_label
from gxschema._report import Paragraph
from gxschema._spec import SectionSpec

__all__ = ["FoundSection", "find_sections"]

_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?P<number>[一二三四五六七八九十]+)\s*[、.．，,]\s*(?P<title>.*)$"
)
_LONGEST_TITLE = 40  # characters: a heading, not a sentence that starts with a number


@attrs.frozen
class FoundSection:
    """A numbered section found in a report's prose.

    Attributes:
        spec: the declared section.
        heading: the heading paragraph, as printed.
        text: the paragraphs under it, up to the next section heading.
    """

    spec: SectionSpec
    heading: Paragraph
    text: tuple[Paragraph, ...]


def _which(paragraph: Paragraph, sections: Sequence[SectionSpec]) -> SectionSpec | None:
    m = _HEADING.match(paragraph.text)
    if m is None:
        return None
    title = normalize_label(m.group("title"))
    if not title or len(title) > _LONGEST_TITLE:
        return None
    for section in sections:
        if section.number == m.group("number") and any(
            normalize_label(k) in title for k in section.keywords
        ):
            return section
    return None


def find_sections(
    prose: Sequence[Paragraph], sections: Sequence[SectionSpec]
) -> dict[str, FoundSection]:
    """Find each declared section's heading and text in a report's prose.

    Args:
        prose: the paragraphs outside the tables (``Report.prose``).
        sections: the template's sections.

    Returns:
        The sections found, by number; a section printed twice is taken where it is
        first printed.
    """
    marks: list[tuple[int, SectionSpec]] = []
    for i, paragraph in enumerate(prose):
        section = _which(paragraph, sections)
        if section is not None:
            marks.append((i, section))
    found: dict[str, FoundSection] = {}
    for n, (i, section) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(prose)
        if section.number not in found:
            text = tuple(p for p in prose[i + 1 : end] if p.text.strip())
            found[section.number] = FoundSection(section, prose[i], text)
    return found
