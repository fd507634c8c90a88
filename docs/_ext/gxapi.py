"""Let autodoc document the constants that ``gxschema`` re-exports.

autodoc documents a module-level constant only when the module being documented holds
its doc comment.  ``gxschema`` re-exports ``BLANK``, ``Count``, ``this`` and others
from private modules, so ``automodule:: gxschema`` leaves them out.  The directive
``gx-reexported-data`` (used inside ``eval-rst``) emits an ``autodata`` for every name of
``gxschema.__all__`` that is neither a class, a function nor a module, and the
``autodoc-process-docstring`` hook gives each one the doc comment of its definition in the
module that defines it.  The list of names comes from ``__all__``; nothing is listed by hand.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

import gxschema


def reexported_data(package: Any = gxschema) -> list[str]:
    """The names of ``package.__all__`` that are constants, not classes, functions or modules."""
    out = []
    for name in package.__all__:
        obj = getattr(package, name)
        if inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj):
            continue
        out.append(name)
    return out


class ReexportedData(SphinxDirective):
    """``.. gx-reexported-data::`` — an ``autodata`` for each re-exported constant."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Emit and parse the ``autodata`` directives."""
        lines = StringList()
        for name in reexported_data():
            lines.append(f".. autodata:: gxschema.{name}", "<gx-reexported-data>")
            lines.append("   :no-value:", "<gx-reexported-data>")
            lines.append("", "<gx-reexported-data>")
        container = nodes.container()
        nested_parse_with_titles(self.state, lines, container)
        return list(container.children)


def defining_doc(name: str, obj: object) -> list[str]:
    """Return the doc comment of a constant, read from the module that defines it.

    Args:
        name: its dotted name as documented (``gxschema.Count``).
        obj: the object.

    Returns:
        The doc lines, or an empty list when no ``gxschema`` module documents it.
    """
    short = name.rpartition(".")[2]
    for modname, module in sorted(sys.modules.items()):
        if not modname.startswith("gxschema.") or getattr(module, short, None) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except PycodeError:
            continue
        found = docs.get(("", short))
        if found:
            return list(found)
    return []


def fill_reexported(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Give a re-exported constant the doc comment of its definition.

    Without one, autodoc would show the doc of the value's type (``typing.Annotated``'s,
    for ``Count``), which says nothing about gxschema.
    """
    if what == "data":
        lines[:] = defining_doc(name, obj) or lines


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive and the docstring hook."""
    app.setup_extension("sphinx.ext.autodoc")
    app.add_directive("gx-reexported-data", ReexportedData)
    app.connect("autodoc-process-docstring", fill_reexported)
    return {
        "version": gxschema.__version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
