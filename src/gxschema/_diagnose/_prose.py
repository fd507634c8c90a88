"""The report's own text as evidence: explanations its stated numbers side with come first.

Section 一 often repeats a total of the tables in words (``实际办理申请2件``).  When such
a statement disagrees with a printed total (（七）总计 0) and agrees with what the rules
give that total from its parts, the text is evidence that the total is the wrong cell:
the explanation that changes it to the stated number ranks first, and quotes the text.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import attrs

from gxschema._claims import ClaimCheck, location_zh
from gxschema._diagnose._records import CellChange, _Part
from gxschema._diagnose._search import _component_parts, _single
from gxschema._diagnose._solve import _Case

__all__ = ["prefer_stated"]


def _agrees(change: CellChange, stated: int) -> bool:
    if change.proposed is not None:
        return change.proposed == stated
    return (change.low is None or change.low <= stated) and (
        change.high is None or stated <= change.high
    )


def _supports(part: _Part, i: int, stated: int) -> bool:
    return any(j == i and _agrees(c, stated) for j, c in part.changes)


def _quoted(part: _Part, check: ClaimCheck) -> _Part:
    at = f"（{location_zh(check.source)}）" if check.source is not None else ""
    at_en = f" ({check.source})" if check.source is not None else ""
    return attrs.evolve(
        part,
        zh=f"{part.zh}；报告正文“{check.clause}”{at}也称 {check.stated}",
        en=f"{part.en}; the report's own text says “{check.clause}”{at_en}",
        evidence=(*part.evidence, check),
    )


def prefer_stated(
    case: _Case, per: Sequence[tuple[int, list[_Part]]], checks: Sequence[ClaimCheck]
) -> None:
    """Move first, in its component, the explanation each failed claim sides with.

    A claim on one cell that the text states differently from the print is evidence
    for the explanation that gives the cell the stated value: an existing one, or the
    change of that cell alone when the rules allow it.  It is quoted in the reason.

    Args:
        case: the report against the model.
        per: per component index, its explanations, best first (changed in place).
        checks: the report's claims (those that fail are used).
    """
    m = case.model
    for check in checks:
        if check.holds != "fails" or check.kind != "number" or len(check.cells) != 1:
            continue
        assert isinstance(check.stated, int)
        cell = check.cells[0]
        i = m.index.get((check.table, cell.line_id, cell.column_id))
        if i is None:
            continue
        for index, parts in per:
            if m.component[i] != index:
                continue
            found = next((p for p in parts if _supports(p, i, check.stated)), None)
            if found is None:
                found = _stated_repair(case, index, i, check.stated)
                if found is None:
                    continue
            else:
                parts.remove(found)
            parts.insert(0, _quoted(found, check))


def _stated_repair(case: _Case, index: int, i: int, stated: int) -> _Part | None:
    """The least repair that gives cell ``i`` the stated value, if the rules allow it."""
    comp = case.model.components[index]
    single = _single(case, comp, i)
    if single is not None and _supports(single, i, stated):
        return single
    # Take the text's number as printed, repair the rest, and write both up together.
    told = copy.copy(case)
    told.values = list(case.values)
    told.tols = list(case.tols)
    told.values[i], told.tols[i] = stated, 0
    rest = _component_parts(told, index, 1)
    changed: dict[int, int | None] = {i: stated}
    if rest:
        changed.update(dict.fromkeys(rest[0].key))
    part = case.part(comp, changed, "minimal_change")
    return part if part is not None and _supports(part, i, stated) else None
