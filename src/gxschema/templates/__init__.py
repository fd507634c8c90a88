"""The registry of report templates: the national ones, the shipped variants, yours.

The declarations themselves are importable from here too: the row classes (the columns
of a table, e.g. :class:`Applicants`) and the table classes (e.g. :class:`Applications2019`)
that a variant subclasses.

>>> from gxschema import templates
>>> templates.available()[:2]
('national-2019', 'national-2021')
>>> len(templates.get("national-2019").table("s3").lines)
23
"""

from __future__ import annotations

import importlib.metadata
import re
import warnings
from collections.abc import Callable, Mapping

from gxschema._dsl import table_decl
from gxschema._labelindex import forget_indexes
from gxschema._seriesmap import register_series
from gxschema._spec import TemplateSpec
from gxschema._template import Template
from gxschema.exceptions import DeclarationError
from gxschema.templates._national import (
    NATIONAL_2019,
    NATIONAL_2021,
    NATIONAL_SECTIONS,
    Applicants,
    Applications2019,
    Applications2021,
    Art20_1_2019,
    Art20_1_2021,
    Art20_5_2019,
    Art20_5_2021,
    Art20_6_2019,
    Art20_6_2021,
    Art20_8_2019,
    Art20_8_2021,
    Art20_9_2019,
    Decisions2021,
    Documents2019,
    Documents2021,
    Fees2019,
    Fees2021,
    Items2019,
    Outcomes,
    Procurement2019,
    Reviews,
)
from gxschema.templates._series import NATIONAL_CROSS, NATIONAL_SERIES
from gxschema.templates._variants import HUBEI_2019, HYBRID_2021, Art20_1_Hubei

__all__ = [
    "BUILT_IN",
    "ENTRY_POINT_GROUP",
    "HUBEI_2019",
    "HYBRID_2021",
    "NATIONAL_2019",
    "NATIONAL_2021",
    "NATIONAL_CROSS",
    "NATIONAL_SECTIONS",
    "NATIONAL_SERIES",
    "Applicants",
    "Applications2019",
    "Applications2021",
    "Art20_1_2019",
    "Art20_1_2021",
    "Art20_1_Hubei",
    "Art20_5_2019",
    "Art20_5_2021",
    "Art20_6_2019",
    "Art20_6_2021",
    "Art20_8_2019",
    "Art20_8_2021",
    "Art20_9_2019",
    "Decisions2021",
    "Documents2019",
    "Documents2021",
    "Fees2019",
    "Fees2021",
    "Items2019",
    "Outcomes",
    "Procurement2019",
    "Reviews",
    "available",
    "compose",
    "composite_id",
    "declaration",
    "get",
    "on_change",
    "origin",
    "register",
    "set_origin",
    "unregister",
]

_COMPOSITE = re.compile(r"^(?P<base>[^\[\]]+)\[(?P<parts>[^\[\]]+)\]$")
_COMPOSED: dict[str, Template] = {}

ENTRY_POINT_GROUP = "gxschema.templates"
"""The entry-point group through which an installed package offers templates.

A package declares, in its ``pyproject.toml``::

    [project.entry-points."gxschema.templates"]
    my-province = "my_package.templates:MY_PROVINCE_2022"

The object named is a :class:`~gxschema.Template`, an iterable of them, or a callable
returning either.  It is loaded the first time the registry is consulted, so
:func:`gxschema.read`, ``gxschema check`` and ``gxschema templates`` find the package's
templates without ``--load``.
"""

BUILT_IN = "built-in"
"""The origin of the templates shipped with gxschema."""

_REGISTRY: dict[str, Template] = {}
_ORIGINS: dict[str, str] = {}
_entry_points_loaded = False


def register(
    template: Template, *, replace: bool = False, origin: str = "registered"
) -> TemplateSpec:
    """Make a template available to :func:`get`, :func:`gxschema.read` and the CLI.

    Args:
        template: the declaration (from :func:`gxschema.dsl.template` or ``.extend``).
        replace: allow replacing a template of the same id.
        origin: where it came from, shown by ``gxschema templates`` (``"--load
            my_templates.py"``, a package's entry point, ...).

    Returns:
        Its compiled spec.

    Raises:
        DeclarationError: the id is taken and ``replace`` is false, or it does not compile.
    """
    if not isinstance(template, Template):
        raise DeclarationError(f"register() takes a dsl.template(...), not {template!r}")
    if template.id in _REGISTRY and not replace and _REGISTRY[template.id] is not template:
        raise DeclarationError(
            f"a template {template.id!r} is registered already ({_ORIGINS[template.id]})"
        )
    spec = template.spec
    _REGISTRY[template.id] = template
    _ORIGINS[template.id] = origin
    _changed()
    return spec


def unregister(id: str) -> None:
    """Remove a template registered with :func:`register` (built-ins included).

    Args:
        id: the template id.

    Raises:
        KeyError: nothing is registered under that id.
    """
    _load_entry_points()
    del _REGISTRY[id]
    del _ORIGINS[id]
    _changed()


_LISTENERS: list[Callable[[], None]] = []


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a template is registered or unregistered.

    Engines that index every registered template (the reader's label index) use this
    to drop what they built.

    Args:
        listener: a function of no arguments.
    """
    _LISTENERS.append(listener)


def _changed() -> None:
    _COMPOSED.clear()
    forget_indexes()
    for listener in _LISTENERS:
        listener()


def _load_entry_points() -> None:
    """Register the templates installed packages offer, once."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "unknown package"
        origin = f"entry point {ep.name!r} of {dist}"
        try:
            found: object = ep.load()
            if callable(found) and not isinstance(found, Template):
                found = found()
            items = [found] if isinstance(found, Template) else list(found)  # type: ignore[call-overload]
            for item in items:
                register(item, origin=origin)
        except Exception as exc:  # a broken package must not break the library
            warnings.warn(
                f"gxschema: {origin} could not be loaded and is ignored: "
                f"{type(exc).__name__}: {exc}",
                RuntimeWarning,
                stacklevel=2,
            )


def origin(id: str) -> str:
    """Return where a registered template came from.

    Args:
        id: the template id.

    Returns:
        ``"built-in"``, ``"entry point 'x' of package 1.0"``, ``"--load FILE"``, or
        ``"registered"`` (by :func:`register` at run time).

    Raises:
        KeyError: no template has that id.
    """
    _load_entry_points()
    if id not in _ORIGINS:
        raise KeyError(f"no template {id!r}; available: {', '.join(available())}")
    return _ORIGINS[id]


def set_origin(id: str, origin: str) -> None:
    """Record where a registered template came from (see :func:`origin`).

    Args:
        id: the template id.
        origin: a short description, e.g. ``"--load my_templates.py"``.

    Raises:
        KeyError: no template has that id.
    """
    if id not in _REGISTRY:
        raise KeyError(f"no template {id!r}; available: {', '.join(available())}")
    _ORIGINS[id] = origin


def get(id: str) -> TemplateSpec:
    """Return the compiled spec of a registered template.

    Args:
        id: ``"national-2019"``, ``"national-2021"``, a variant's or your own id, or a
            composite id such as ``national-2021[s3=national-2019]`` (see :func:`compose`).

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
    _load_entry_points()
    if id in _REGISTRY:
        return _REGISTRY[id]
    m = _COMPOSITE.match(id)
    if m is not None and all(p.count("=") == 1 for p in m.group("parts").split(",")):
        if id not in _COMPOSED:
            parts = dict(p.split("=", 1) for p in m.group("parts").split(","))
            _COMPOSED[id] = _compose(m.group("base"), parts)
        return _COMPOSED[id]
    raise KeyError(f"no template {id!r}; available: {', '.join(available())}")


def available() -> tuple[str, ...]:
    """Return the ids of every registered template, national ones first.

    Templates offered by installed packages (entry points in the group
    :data:`ENTRY_POINT_GROUP`) are included.

    Returns:
        The ids, in registration order.
    """
    _load_entry_points()
    return tuple(_REGISTRY)


for _t in (NATIONAL_2019, NATIONAL_2021, HUBEI_2019, HYBRID_2021):
    register(_t, origin=BUILT_IN)
register_series(NATIONAL_SERIES)


def composite_id(base: str, tables: Mapping[str, str]) -> str:
    """Return the id of ``base`` with some tables taken from other templates.

    Args:
        base: the template id.
        tables: table id → id of the template whose declaration of it is used.

    Returns:
        An id such as ``national-2021[s3=national-2019]``, resolvable by :func:`get`.
    """
    parts = ",".join(f"{t}={tpl}" for t, tpl in sorted(tables.items()))
    return f"{base}[{parts}]"


def compose(base: str, tables: Mapping[str, str]) -> TemplateSpec:
    """Return the spec of a template with some tables declared as in other templates.

    Real reports mix templates (hybrids): a table is read and checked with
    the declaration that fits its own labels.  The result's id says how it was made
    (see :func:`composite_id`), so a report that names it can be validated anywhere.

    Args:
        base: the template id.
        tables: table id → id of the template whose declaration of it is used; a table
            the base lacks is added after the tables that precede it in its template.

    Returns:
        The composed spec.

    Raises:
        KeyError: a template or table id is unknown.
    """
    return declaration(composite_id(base, tables)).spec


def _compose(base_id: str, tables: Mapping[str, str]) -> Template:
    base = declaration(base_id)
    result = list(base.tables)
    ids = [table_decl(t).id for t in result]
    for table_id, source_id in sorted(tables.items()):
        source = declaration(source_id)
        source_ids = [table_decl(t).id for t in source.tables]
        if table_id not in source_ids:
            raise KeyError(f"template {source_id!r} has no table {table_id!r}")
        cls = source.tables[source_ids.index(table_id)]
        if table_id in ids:
            result[ids.index(table_id)] = cls
            continue
        # Insert after the nearest table that precedes it in its own template.
        position = 0
        for earlier in reversed(source_ids[: source_ids.index(table_id)]):
            if earlier in ids:
                position = ids.index(earlier) + 1
                break
        result.insert(position, cls)
        ids.insert(position, table_id)
    return Template(
        id=composite_id(base_id, tables),
        title=base.title,
        tables=tuple(result),
        first_year=base.first_year,
        last_year=base.last_year,
        base=base_id,
        sections=base.sections,
        description="Composed: "
        + ", ".join(f"{t} as in {tpl}" for t, tpl in sorted(tables.items())),
    )
