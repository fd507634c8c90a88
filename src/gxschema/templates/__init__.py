"""The registry of report templates: the national ones, the shipped variants, yours.

>>> from gxschema import templates
>>> templates.available()[:2]
('national-2019', 'national-2021')
>>> len(templates.get("national-2019").table("s3").lines)
23
"""

from __future__ import annotations

from gxschema._spec import Template, TemplateSpec
from gxschema.exceptions import DeclarationError
from gxschema.templates._national import NATIONAL_2019, NATIONAL_2021
from gxschema.templates._variants import HUBEI_2019, HYBRID_2021

__all__ = [
    "HUBEI_2019",
    "HYBRID_2021",
    "NATIONAL_2019",
    "NATIONAL_2021",
    "available",
    "declaration",
    "get",
    "register",
    "unregister",
]

_REGISTRY: dict[str, Template] = {}


def register(template: Template, *, replace: bool = False) -> TemplateSpec:
    """Make a template available to :func:`get`, :func:`gxschema.read` and the CLI.

    Args:
        template: the declaration (from :func:`gxschema.template` or ``.extend``).
        replace: allow replacing a template of the same id.

    Returns:
        Its compiled spec.

    Raises:
        DeclarationError: the id is taken and ``replace`` is false, or it does not compile.
    """
    if not isinstance(template, Template):
        raise DeclarationError(f"register() takes a gx.template(...), not {template!r}")
    if template.id in _REGISTRY and not replace and _REGISTRY[template.id] is not template:
        raise DeclarationError(f"a template {template.id!r} is registered already")
    spec = template.spec
    _REGISTRY[template.id] = template
    return spec


def unregister(id: str) -> None:
    """Remove a template registered with :func:`register` (built-ins included).

    Args:
        id: the template id.

    Raises:
        KeyError: nothing is registered under that id.
    """
    del _REGISTRY[id]


def get(id: str) -> TemplateSpec:
    """Return the compiled spec of a registered template.

    Args:
        id: ``"national-2019"``, ``"national-2021"``, a variant's or your own id.

    Returns:
        The spec.

    Raises:
        KeyError: no template has that id; the message lists those that do.
    """
    return declaration(id).spec


def declaration(id: str) -> Template:
    """Return the declaration (the :class:`~gxschema.Template`) registered under an id.

    Args:
        id: the template id.

    Returns:
        The template.

    Raises:
        KeyError: no template has that id.
    """
    try:
        return _REGISTRY[id]
    except KeyError:
        raise KeyError(f"no template {id!r}; available: {', '.join(available())}") from None


def available() -> tuple[str, ...]:
    """Return the ids of every registered template, national ones first.

    Returns:
        The ids, in registration order.
    """
    return tuple(_REGISTRY)


for _t in (NATIONAL_2019, NATIONAL_2021, HUBEI_2019, HYBRID_2021):
    register(_t)
