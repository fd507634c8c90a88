"""Diagnosis: which cells of a report are wrong, and what they should be.

Validation says which rules a report breaks; :func:`diagnose` says which cells to
change, and to what.  It answers as official statistics does (Fellegi–Holt error
localisation, as R's ``errorlocate`` does it): the explanation is the set of cells of
least total weight whose change makes every error-severity rule hold, found with a
mixed-integer programme (HiGHS, through :func:`scipy.optimize.milp`).  Before the
general search it recognises the slips people make when they fill in the tables (two
digits transposed, a digit dropped or doubled, a wrong sign, values swapped with the
neighbouring cell, a total or a whole line left 0, a total or a whole line copied from
another line, a cell left blank, a miscount), as R's ``deductive`` does, and names
them with the slip registry's names and words (:mod:`gxschema._slips`).

Everything is derived from the template's declared rules, never from knowledge of one
table:

* The error-severity constraints are linear relations between cells, read from the
  template's constraint model (:mod:`gxschema._model`).  Those with one cell are
  bounds on it (``N.int``); the others tie cells into *components* that can be
  diagnosed apart, so a report broken in two tables gets one search per table.
* Blank and missing cells are unknowns: any admissible value, at no cost.  One is
  listed in an explanation when the rules need it to be something other than 0 (a
  blank total whose parts are not all 0); its proposed value is what they need.
* Approximate values (``19万``) may move within their interval at no cost.
* A proposed value is exact when the rules, with the other cells as printed,
  determine it; otherwise the explanation gives the range they leave.

Default weights: 1 per cell.  An explanation the report's own text sides with comes
first (``_prose``: a total the text states differently, and as its parts give it).
Among explanations of equal weight, named slips come first and then those that change
totals (a cell alone on one side of a sum rule) rather than parts: a total is computed
after its parts, by hand, and the reports seen so far left totals at 0 (the seed's
（七）总计, 洪泽区 2023's section 四).

Most reports never reach the solver: a repair by one cell, or a recognised slip, whose
weight meets a lower bound (broken rules with no cell in common each need a change of
their own) is provably least, and exact bound propagation over the rules gives the
values.  The solver is HiGHS through :func:`scipy.optimize.milp` rather than
``highspy``: the same solver, no dependency beyond SciPy, and on the seed's section 三
(161 cells) one solve took 7–15 ms through SciPy against 14–40 ms through highspy 1.16.

The package: ``_records`` (the public records, numbers and prose), ``_solve`` (a report
against the model: ranges and least repairs), ``_search`` (slips, named from the slip
registry :mod:`gxschema._slips`, and the search of one component), ``_prose`` (the
report's stated numbers as evidence) and this module, the
entry point that combines the components' explanations.
"""

from __future__ import annotations

from collections.abc import Sequence

from gxschema._claims import check_claims
from gxschema._diagnose._prose import prefer_stated
from gxschema._diagnose._records import CellChange, Explanation, Weights, _Part
from gxschema._diagnose._search import _component_parts
from gxschema._diagnose._solve import _Case
from gxschema._model import model
from gxschema._report import Report
from gxschema._resolve import TemplateLike, spec_of

__all__ = ["CellChange", "Explanation", "Weights", "diagnose"]

# -- the entry point --------------------------------------------------------------------------


def _explanation(combo: Sequence[_Part]) -> Explanation:
    kinds: list[str] = []
    for p in combo:
        if p.kind not in kinds:
            kinds.append(p.kind)
    items = sorted((i, c) for p in combo for i, c in p.changes)
    return Explanation(
        weight=sum(p.weight for p in combo),
        kind="+".join(kinds),
        reason_zh="；".join(p.zh for p in combo),
        reason_en="; ".join(p.en for p in combo),
        changes=tuple(c for _, c in items),
        evidence=tuple(e for p in combo for e in p.evidence),
    )


def diagnose(
    report: Report,
    *,
    template: TemplateLike | None = None,
    weights: Weights = None,
    limit: int = 3,
) -> list[Explanation]:
    """Say which cells to change, and to what, so that every error-severity rule holds.

    Each explanation is a complete repair: applying all its changes makes every
    error-severity rule of the template hold (blank and missing cells taking the values
    it proposes, or any in its ranges).  The best comes first: the least total weight,
    then recognised slips before other changes, then changes to totals before changes
    to parts.  Parts of the report that no rule ties together are repaired apart, and an
    explanation combines the best repair of each.  The report's own text is evidence
    too: when a number it states (:func:`gxschema.check_claims`) disagrees with a
    printed total and agrees with the total's parts, the explanation that changes the
    total to that number comes first, and quotes the sentence (``evidence``).

    Args:
        report: the report.
        template: the template to diagnose against: an id, a declaration or a spec
            (default: the one the report was read with).
        weights: what changing each printed cell costs: a mapping from
            ``(table, line, column)`` (other cells cost 1), or a function of
            ``(table, line, column, cell)``.  Make a cell costly to keep it, cheap to
            suspect it first (approximate values, say).  Blank and missing cells are
            unknowns and cost nothing.
        limit: at most this many explanations.

    Returns:
        The explanations, best first; empty when every error-severity rule holds with
        blank cells read as 0.

    Raises:
        UnknownTemplateError: the report carries no spec, names a template that is not
            registered, and none was given.
        ValueError: a weight is not a positive number, or ``limit`` is below 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    m = model(spec_of(report, template))
    case = _Case(m, report, weights)
    found: list[tuple[int, list[_Part]]] = []
    for index in range(len(m.components)):
        parts = _component_parts(case, index, limit)
        if parts:
            found.append((index, parts))
    if not found:
        return []
    prefer_stated(case, found, check_claims(report, template=template))
    per = [parts[:limit] for _, parts in found]
    best = [parts[0] for parts in per]
    combos: list[list[_Part]] = [best]
    for k, parts in enumerate(per):
        for alt in parts[1:]:
            combos.append([*best[:k], alt, *best[k + 1 :]])

    def rank(combo: Sequence[_Part]) -> tuple[int, float, int, float]:
        return (
            -sum(len(p.evidence) for p in combo),
            round(sum(p.weight for p in combo), 9),
            0 if all(p.slip for p in combo) else 1,
            sum(p.tiebreak for p in combo),
        )

    combos.sort(key=rank)
    return [_explanation(c) for c in combos[:limit]]
