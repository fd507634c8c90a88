"""The time budget of reading one PDF, checked inside the reader's loops.

A :class:`Budget` is made when a PDF is opened and handed to every loop whose work
grows with the page (removing duplicate characters, finding where rules cross, the
cells they make, placing characters in cells).  Each loop calls :meth:`Budget.tick`
once per step; every :data:`STEP` ticks it looks at the clock, so a hostile page is
stopped within a fraction of a second of the budget running out, wherever its cost is.

The budget is :data:`MAX_PDF_SECONDS` unless :func:`gxschema.read` is given
``time_limit``, which sets :data:`TIME_LIMIT` for the reading (a context variable:
threads and tasks each keep their own).
"""

from __future__ import annotations

import contextvars
import time

from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = ["MAX_PDF_SECONDS", "STEP", "TIME_LIMIT", "Budget"]

MAX_PDF_SECONDS = 10.0
"""The default time budget of reading one PDF, in seconds of wall-clock time."""
STEP = 256
"""How many ticks pass between two looks at the clock."""
TIME_LIMIT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "gxschema_pdf_time_limit", default=None
)
"""The budget of the PDF being read, when :func:`gxschema.read` was given one."""


class Budget:
    """A deadline for reading one PDF.

    Args:
        source: the input's name, for errors.
        seconds: the budget; None for :data:`TIME_LIMIT`'s value, else
            :data:`MAX_PDF_SECONDS`.

    Attributes:
        seconds: the budget.
        page: the page being read (1-based; 0 before the pages), for errors.
    """

    def __init__(self, source: str, seconds: float | None = None) -> None:
        if seconds is None:
            seconds = TIME_LIMIT.get()
        self.seconds = MAX_PDF_SECONDS if seconds is None else float(seconds)
        self.source = source
        self.page = 0
        self.deadline = time.monotonic() + self.seconds
        self._ticks = 0

    def check(self) -> None:
        """Stop the reading when the budget is spent.

        Raises:
            ParseError: the budget is spent (the message names it and the page).
        """
        if time.monotonic() > self.deadline:
            raise ParseError(
                f"reading the PDF took over its time limit of {self.seconds:g} seconds "
                "(time_limit); a report takes far less",
                source=self.source,
                location=Location(page=self.page) if self.page else None,
            )

    def tick(self) -> None:
        """Count one step of a loop; every :data:`STEP` steps, :meth:`check`."""
        self._ticks += 1
        if self._ticks >= STEP:
            self._ticks = 0
            self.check()
