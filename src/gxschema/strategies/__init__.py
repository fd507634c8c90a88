"""Hypothesis strategies for gxschema reports, derived from the declarations.

Like ``hypothesis.extra``, this module needs Hypothesis:
``pip install 'gxschema[strategies]'``.

* :func:`reports` — reports of any declared template, consistent by construction;
* :func:`broken_reports` — a report broken the ways real ones are, with the exact set
  of violations :func:`gxschema.validate` must find;
* :func:`renderings` — a report written in one form with the noise real publications
  carry, and what reading it must give back.
"""

from gxschema.strategies._renderings import NOISE, Rendering, renderings
from gxschema.strategies._reports import (
    PERTURBATIONS,
    Broken,
    Damage,
    DamagedCell,
    broken_reports,
    reports,
)

__all__ = [
    "NOISE",
    "PERTURBATIONS",
    "Broken",
    "Damage",
    "DamagedCell",
    "Rendering",
    "broken_reports",
    "renderings",
    "reports",
]
