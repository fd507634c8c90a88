"""One resolver for every ``template=`` argument, and the spec a report was read with.

Every engine (reading, validation, diagnosis, rendering, serialization, the strategies,
the command line) takes the same keyword, ``template=``, and accepts the same three
things: a registered template's id, a declaration (:class:`~gxschema.dsl.Template`)
or a compiled spec (:class:`~gxschema.spec.TemplateSpec`).  A report remembers the spec
it was read with (:attr:`gxschema.Report.spec`, provenance: neither compared nor
serialised), so a report read with a template nobody registered still validates,
renders, diagnoses and serialises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from gxschema._spec import TemplateSpec
from gxschema._template import Template
from gxschema.exceptions import GxSchemaError

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from gxschema._report import Report

__all__ = ["TemplateLike", "UnknownTemplateError", "resolve_template", "spec_of"]

TemplateLike: TypeAlias = "str | Template | TemplateSpec"
"""What ``template=`` accepts everywhere: an id, a declaration or a compiled spec."""


class UnknownTemplateError(GxSchemaError, KeyError):
    """No template is registered under this id; the message lists those that are."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def resolve_template(template: TemplateLike) -> TemplateSpec:
    """Turn any ``template=`` argument into the compiled spec.

    Args:
        template: a registered template's id (composite ids such as
            ``national-2021[s3=national-2019]`` included), a declaration, or a spec.

    Returns:
        The spec.

    Raises:
        UnknownTemplateError: an id that no template has (also a :class:`KeyError`).
        TypeError: something that is none of the three.
    """
    if isinstance(template, TemplateSpec):
        return template
    if isinstance(template, Template):
        return template.spec
    if isinstance(template, str):
        from gxschema import templates

        try:
            return templates.get(template)
        except KeyError as exc:
            raise UnknownTemplateError(str(exc.args[0]) if exc.args else template) from None
    raise TypeError(
        "template= takes a template id, a declaration (gxschema.dsl.template(...)) or a "
        f"compiled spec, not {type(template).__name__}"
    )


def spec_of(report: Report, template: TemplateLike | None = None) -> TemplateSpec:
    """The spec to use for a report: the one asked for, else the one it was read with.

    Args:
        report: the report.
        template: an explicit choice, overriding the report's own.

    Returns:
        ``template`` resolved; else the spec the report carries; else the registered
        template named by ``report.template`` (a report made by hand or from JSON).

    Raises:
        UnknownTemplateError: the template is not registered and the report carries none.
    """
    if template is not None:
        return resolve_template(template)
    if report.spec is not None and report.spec.id == report.template:
        return report.spec
    return resolve_template(report.template)
