"""A page's drawing instructions interpreted within the reading's time budget.

pdfminer interprets a page's content stream (and the forms it draws) in one loop that
nothing can stop: a few kilobytes that inflate to millions of instructions keep it busy
for minutes.  :func:`lay_out` runs the same interpretation with an interpreter whose
loop ticks the budget (:mod:`._budget`) at every instruction, and hands the result to
pdfplumber's page, which then reads its characters and shapes from it as usual.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from gxschema._readers._pdf._budget import Budget
from gxschema._report import Location
from gxschema.exceptions import ParseError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.page import Page

__all__ = ["MAX_PAGE_CHARS", "MAX_PAGE_INSTRUCTIONS", "lay_out"]

MAX_PAGE_INSTRUCTIONS = 40_000
"""A page (with the forms it draws) of more operators and operands than this is
refused as they are read: the densest pages of reports have some twelve thousand."""
MAX_PAGE_CHARS = 6_000
"""A page drawing more characters than this (duplicates included) is refused as they
are drawn: a dense page of a report holds under a thousand."""


def lay_out(page: Page, budget: Budget) -> None:
    """Interpret a page's content, ticking ``budget`` at every instruction.

    Raises:
        ParseError: the budget is spent, or the page is over
            :data:`MAX_PAGE_INSTRUCTIONS` or :data:`MAX_PAGE_CHARS`.
        PdfminerException: pdfminer fails (as pdfplumber's own layout would).
    """
    from pdfplumber.utils.exceptions import PdfminerException

    interpreter_class, device_class = _classes()
    device = device_class(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.budget, device.left = budget, MAX_PAGE_CHARS
    interpreter = interpreter_class(page.pdf.rsrcmgr, device)
    interpreter.budget = budget
    interpreter.left = [MAX_PAGE_INSTRUCTIONS]
    try:
        interpreter.process_page(page.page_obj)
    except ParseError:
        raise
    except Exception as exc:
        raise PdfminerException(exc) from None
    # pdfplumber's Page keeps its layout here and reads every object from it.
    page._layout = device.get_result()


def _refuse(budget: Budget, what: str) -> None:
    raise ParseError(
        f"the page has over {what} (the limit); a report's pages have far fewer",
        source=budget.source,
        location=Location(page=budget.page) if budget.page else None,
    )


@functools.cache
def _classes() -> tuple[Any, Any]:
    """The interpreter and device classes (made on first use: pdfminer is imported then)."""
    from pdfminer import settings
    from pdfminer.pdfinterp import PDFContentParser, PDFInterpreterError, PDFPageInterpreter
    from pdfminer.pdftypes import stream_value
    from pdfminer.psexceptions import PSEOF
    from pdfminer.psparser import PSKeyword, keyword_name
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class BudgetInterpreter(PDFPageInterpreter):
        """pdfminer's interpreter, its loop ticking the budget at every instruction."""

        budget: Budget
        left: list[int]  # instructions the page may still have, shared with its forms

        def dup(self) -> BudgetInterpreter:
            twin = BudgetInterpreter(self.rsrcmgr, self.device)
            twin.budget, twin.left = self.budget, self.left
            return twin

        def execute(self, streams: Any) -> None:
            # pdfminer's PDFPageInterpreter.execute, with the tick.
            valid = []
            self.stream_ids.clear()
            for obj in streams:
                stream = stream_value(obj)
                if stream.objid is None or stream.objid in self.parent_stream_ids:
                    continue  # an inline stream, or a form drawing itself
                valid.append(stream)
                self.stream_ids.add(stream.objid)
            try:
                parser = PDFContentParser(valid)
            except PSEOF:
                return
            tick = self.budget.tick
            left = self.left
            while True:
                tick()
                left[0] -= 1
                if left[0] < 0:
                    _refuse(self.budget, f"{MAX_PAGE_INSTRUCTIONS} drawing instructions")
                try:
                    (_, obj) = parser.nextobject()
                except PSEOF:
                    break
                if not isinstance(obj, PSKeyword):
                    self.push(obj)
                    continue
                name = keyword_name(obj)
                method = "do_{}".format(
                    name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
                )
                func = getattr(self, method, None)
                if func is not None:
                    nargs = func.__code__.co_argcount - 1
                    if nargs:
                        args = self.pop(nargs)
                        if len(args) == nargs:
                            func(*args)
                    else:
                        func()
                elif settings.STRICT:
                    raise PDFInterpreterError(f"Unknown operator: {name!r}")

    class BudgetDevice(PDFPageAggregatorWithMarkedContent):
        """pdfplumber's device, counting the characters drawn against the limit."""

        budget: Budget
        left: int

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.left -= 1
            if self.left < 0:
                _refuse(self.budget, f"{MAX_PAGE_CHARS} characters")
            return float(super().render_char(*args, **kwargs))

    return BudgetInterpreter, BudgetDevice
