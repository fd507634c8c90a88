"""Judging a whole report: its verdict and every finding, grouped.

:func:`check` gathers three kinds of finding, in this order:

* ``completeness`` — what the document lacks or how it was read: a declared table
  (``R.table``), line (``R.line``) or cell (``R.cell``) not in it; columns placed by
  position (``R.position``); a template that does not fit the report year
  (``R.template_year``); a numbered section missing (``R.section``) or without text
  (``R.section_empty``);
* ``rule`` — the template's rules, as :func:`gxschema.validate` finds them;
* ``claim`` — numbers stated in the prose that the tables must repeat.

and gives the verdict, which has one meaning everywhere (Python, the JSON, the command
line's exit code): ``ok`` (0) when every declared table and cell is present and every
hard rule holds; ``failed`` (1) when an error-severity finding fails; ``incomplete``
(3) when nothing fails but a table, line or cell is missing or blank, so that some hard
rule cannot be decided; ``unreadable`` (2) when no declared table was found.  ``failed``
wins over ``incomplete``.  Warnings are listed but never change the verdict.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from gxschema._claims import check_claims
from gxschema._metadata import Metadata
from gxschema._report import Report
from gxschema._resolve import TemplateLike, spec_of
from gxschema._rules import Severity
from gxschema._sections import find_sections
from gxschema._spec import TableSpec, TemplateSpec
from gxschema._validate import CellRef, Status, Violation, cell_ref, validate
from gxschema.exceptions import ValidationError

__all__ = [
    "EXIT_CODES",
    "CheckResult",
    "Finding",
    "FindingKind",
    "Verdict",
    "check",
    "worst",
]

Verdict: TypeAlias = Literal["ok", "failed", "incomplete", "unreadable"]
"""What a check concludes about a report's data (see the module docstring)."""

FindingKind: TypeAlias = Literal["completeness", "rule", "claim"]
"""Which group a finding belongs to; findings are listed in this order."""

EXIT_CODES: dict[Verdict, int] = {"ok": 0, "failed": 1, "unreadable": 2, "incomplete": 3}
"""The exit code of ``gxschema check`` (and ``diagnose``) for each verdict."""

_PRECEDENCE: tuple[Verdict, ...] = ("unreadable", "failed", "incomplete", "ok")
_KIND_ORDER: dict[str, int] = {"completeness": 0, "rule": 1, "claim": 2}


@attrs.frozen
class Finding:
    """One thing a check found: a rule broken, something missing, a claim not repeated.

    Attributes:
        id: what was found (``C3.balance``, ``R.table``, ``R.section``, ``T.handled``).
        kind: ``"completeness"``, ``"rule"`` or ``"claim"``.
        severity: ``"error"`` (it decides the verdict) or ``"warning"`` (listed only).
        status: ``"fail"`` when it is certain, ``"uncertain"`` when blank or missing
            cells leave it undecided (a missing table, line or cell is ``uncertain``).
        table: the table it concerns, if any.
        at: where in it (a line, a column, ``line.column``), or the section number
            (``"五"``) for a section finding; None when it concerns the whole table or
            report.
        cells: the cells it names (a missing cell with no value and no raw text).
        message_zh: the message in Chinese.
        message_en: the message in English.
        evidence: the sentence of the report it quotes (claims), if any.
        violation: for a rule finding, the violation with its sides and tolerance.
    """

    id: str
    kind: FindingKind
    severity: Severity
    status: Status
    table: str | None
    at: str | None
    cells: tuple[CellRef, ...]
    message_zh: str
    message_en: str
    evidence: str | None = None
    violation: Violation | None = None


@attrs.frozen
class CheckResult:
    """The verdict on one report and everything found, completeness first.

    Attributes:
        verdict: ``"ok"``, ``"failed"``, ``"incomplete"`` or ``"unreadable"``.
        findings: every finding, grouped: completeness, then the tables' rules, then
            the claims; within a group in document order.
        metadata: the report's agency, year and title, each with where it came from.
        template: the id of the template the report was checked against.
        report: the report checked.
    """

    verdict: Verdict
    findings: tuple[Finding, ...]
    metadata: Metadata
    template: str
    report: Report = attrs.field(eq=False, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the verdict is ``ok``."""
        return self.verdict == "ok"

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this verdict (0, 1, 3 or 2)."""
        return EXIT_CODES[self.verdict]

    @property
    def violations(self) -> tuple[Violation, ...]:
        """The rule violations, as :func:`gxschema.validate` gives them."""
        return tuple(f.violation for f in self.findings if f.violation is not None)

    def of_kind(self, kind: FindingKind) -> tuple[Finding, ...]:
        """The findings of one kind (``"completeness"``, ``"rule"`` or ``"claim"``)."""
        return tuple(f for f in self.findings if f.kind == kind)

    def raise_if_failed(self) -> CheckResult:
        """Raise when the verdict is ``failed``; return the result otherwise.

        Raises:
            ValidationError: holding every error-severity rule violation that fails.
        """
        if self.verdict == "failed":
            raise ValidationError(
                [v for v in self.violations if v.severity == "error" and v.status == "fail"]
            )
        return self


def worst(verdicts: list[Verdict]) -> Verdict:
    """The verdict of several reports: unreadable, then failed, then incomplete win.

    Args:
        verdicts: the reports' verdicts.

    Returns:
        The one that wins (``"ok"`` for none).
    """
    for verdict in _PRECEDENCE:
        if verdict in verdicts:
            return verdict
    return "ok"


def verdict_of(findings: tuple[Finding, ...] | list[Finding], *, readable: bool = True) -> Verdict:
    """The verdict the findings give (see the module docstring).

    Args:
        findings: the findings.
        readable: False when no declared table was found.
    """
    if not readable:
        return "unreadable"
    errors = [f for f in findings if f.severity == "error"]
    if any(f.status == "fail" for f in errors):
        return "failed"
    if errors:
        return "incomplete"
    return "ok"


# -- completeness -------------------------------------------------------------------------


def _table_name(table: TableSpec) -> str:
    section = table.section.split("、", 1)[-1]
    if table.label and table.label != section:
        return f"{section} · {table.label}" if section else table.label
    return section or table.id


def _missing_tables(report: Report, spec: TemplateSpec) -> list[Finding]:
    out: list[Finding] = []
    for table in spec.tables:
        present = report.tables.get(table.id)
        name = _table_name(table)
        if not present:
            out.append(
                Finding(
                    "R.table",
                    "completeness",
                    "error",
                    "uncertain",
                    table.id,
                    None,
                    (),
                    f"文档中没有表格「{name}」，其规则无法检查",
                    f"table {table.id} ({name}) is not in the document, so its rules "
                    "cannot be checked",
                )
            )
            continue
        for line in table.lines:
            cells = present.get(line.id)
            if cells is None:
                refs = tuple(cell_ref(report, table, line.id, c.id) for c in table.columns)
                out.append(
                    Finding(
                        "R.line",
                        "completeness",
                        "error",
                        "uncertain",
                        table.id,
                        line.id,
                        refs,
                        f"表格「{name}」缺少一行「{line.label}」",
                        f"table {table.id} ({name}) lacks the line {line.label!r} ({line.id})",
                    )
                )
                continue
            for column in table.columns:
                if column.id in cells:
                    continue
                out.append(
                    Finding(
                        "R.cell",
                        "completeness",
                        "error",
                        "uncertain",
                        table.id,
                        f"{line.id}.{column.id}",
                        (cell_ref(report, table, line.id, column.id),),
                        f"表格「{name}」缺少单元格「{line.label}，{column.label}」",
                        f"table {table.id} ({name}) lacks the cell {line.label!r}, "
                        f"{column.label!r} ({line.id}.{column.id})",
                    )
                )
    return out


def _by_position(report: Report, spec: TemplateSpec) -> list[Finding]:
    out: list[Finding] = []
    tables = {t.id: t for t in spec.tables}
    for detection in report.detection:
        if not detection.by_position or detection.table not in report.tables:
            continue
        table = tables.get(detection.table)
        name = _table_name(table) if table is not None else detection.table
        placed = "、".join(f"「{label}」" for label in detection.by_position)
        placed_en = ", ".join(repr(label) for label in detection.by_position)
        out.append(
            Finding(
                "R.position",
                "completeness",
                "warning",
                "fail",
                detection.table,
                None,
                (),
                f"表格「{name}」的{placed}未按标签匹配，是按位置放入的（{detection.template}）",
                f"table {detection.table} ({name}): {placed_en} not matched by label but "
                f"placed by position ({detection.template})",
            )
        )
    return out


_YEAR_FROM_ZH = {"title": "标题", "period": "统计期限", "file_name": "文件名", "user": "用户"}
_YEAR_FROM_EN = {
    "title": "the title",
    "period": "the statistics period",
    "file_name": "the file name",
    "user": "the user",
}


def _template_year(report: Report, spec: TemplateSpec) -> list[Finding]:
    meta = report.metadata
    year = meta.year
    if year is None or (spec.first_year is None and spec.last_year is None):
        return []
    if (spec.first_year is None or spec.first_year <= year) and (
        spec.last_year is None or year <= spec.last_year
    ):
        return []
    years = f"{spec.first_year or ''}–{spec.last_year or ''}"
    origin = meta.year_from or "title"
    return [
        Finding(
            "R.template_year",
            "completeness",
            "warning",
            "fail",
            None,
            None,
            (),
            f"报告年度 {year}（取自{_YEAR_FROM_ZH[origin]}）不在模板 {spec.id} 的适用年度 "
            f"{years} 之内",
            f"the report year {year} (from {_YEAR_FROM_EN[origin]}) is outside the years "
            f"{years} of template {spec.id}",
        )
    ]


def _sections(report: Report, spec: TemplateSpec) -> list[Finding]:
    if not spec.sections:
        return []
    found = find_sections(report.prose, spec.sections)
    out: list[Finding] = []
    for section in spec.sections:
        title = section.title.split("、", 1)[-1]
        hit = found.get(section.number)
        if hit is None:
            tables = [t for t in spec.tables if spec.section_of(t) == section]
            if any(t.id in report.tables for t in tables):
                continue  # its tables are there: the heading was only not printed
            out.append(
                Finding(
                    "R.section",
                    "completeness",
                    "warning",
                    "fail",
                    None,
                    section.number,
                    (),
                    f"缺少第{section.number}部分「{section.title}」",
                    f"section {section.number} ({title}) is missing",
                )
            )
        elif section.prose and not hit.text:
            out.append(
                Finding(
                    "R.section_empty",
                    "completeness",
                    "warning",
                    "fail",
                    None,
                    section.number,
                    (),
                    f"第{section.number}部分「{hit.heading.text.strip()}」没有内容",
                    f"section {section.number} ({title}) has no text",
                )
            )
    return out


def completeness(report: Report, spec: TemplateSpec) -> list[Finding]:
    """Every completeness finding of a report, in the order they are listed.

    Args:
        report: the report.
        spec: its template.

    Returns:
        Missing tables, lines and cells (table order), then columns placed by position,
        then the template year, then the sections.
    """
    return (
        _missing_tables(report, spec)
        + _by_position(report, spec)
        + _template_year(report, spec)
        + _sections(report, spec)
    )


# -- rules and claims -----------------------------------------------------------------------


def rule_finding(v: Violation) -> Finding:
    """A rule violation as a finding (kind ``"rule"``)."""
    return Finding(
        v.rule,
        "rule",
        v.severity,
        v.status,
        v.table,
        v.at,
        v.cells,
        v.message_zh,
        v.message_en,
        violation=v,
    )


def _claim_findings(report: Report, spec: TemplateSpec) -> list[Finding]:
    """The findings of the narrative claims (``T.*``, kind ``"claim"``).

    This is the one place claim findings are gathered: each claim of the report's prose
    that the tables do not repeat (:func:`gxschema.check_claims`) becomes a warning
    finding, its sentence as ``evidence`` and the cells it names as ``cells``.  A claim
    whose cells are blank or missing is not a finding: the completeness findings
    already name those cells, and the claim can neither hold nor fail.

    Args:
        report: the report.
        spec: its template.

    Returns:
        The claim findings, in the order the prose states them.
    """
    return [
        Finding(
            id=c.claim,
            kind="claim",
            severity=c.severity,
            status="fail",
            table=c.table,
            at=c.column,
            cells=c.cells,
            message_zh=c.message_zh,
            message_en=c.message_en,
            evidence=c.sentence,
        )
        for c in check_claims(report, template=spec)
        if c.holds == "fails"
    ]


def check(report: Report, *, template: TemplateLike | None = None) -> CheckResult:
    """Judge a report: its verdict and every finding, completeness first.

    Args:
        report: the report.
        template: the template to check against: an id, a declaration or a spec
            (default: the one the report was read with).

    Returns:
        The result: ``verdict`` (``"ok"``, ``"failed"``, ``"incomplete"`` or
        ``"unreadable"``), ``findings`` grouped (completeness, rules, claims) and the
        report's ``metadata``.  Call :meth:`CheckResult.raise_if_failed` to raise
        instead.

    Raises:
        UnknownTemplateError: the report carries no spec, names a template that is not
            registered, and none was given.
    """
    spec = spec_of(report, template)
    findings = [
        *completeness(report, spec),
        *(rule_finding(v) for v in validate(report, template=spec)),
        *_claim_findings(report, spec),
    ]
    findings.sort(key=lambda f: _KIND_ORDER[f.kind])
    readable = any(report.tables.get(t.id) for t in spec.tables)
    return CheckResult(
        verdict=verdict_of(findings, readable=readable),
        findings=tuple(findings),
        metadata=report.metadata,
        template=spec.id,
        report=report,
    )
