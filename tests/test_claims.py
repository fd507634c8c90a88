"""Narrative claims: numbers in the report's text, declared in templates, checked."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl
from gxschema._claims import parse_number, sentences
from gxschema._diagnose._prose import prefer_stated
from gxschema._diagnose._solve import _Case
from gxschema._model import model
from gxschema._report import Location, Paragraph, Report
from gxschema._writers._layout import overview
from gxschema.cli import main
from gxschema.dsl import this
from gxschema.exceptions import DeclarationError
from gxschema.strategies import reports
from gxschema.templates import (
    NATIONAL_2019,
    NATIONAL_2021,
    Applicants,
    Applications2019,
    Applications2021,
)
from tests.conftest import CORPUS, examples, need
from tests.test_render import distinct_report

needs_pdfplumber = pytest.mark.skipif(
    importlib.util.find_spec("pdfplumber") is None,
    reason="pdfplumber is not installed (the optional 'pdf' extra: pip install 'gxschema[pdf]')",
)

# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("17", 17),
        ("1,234", 1234),
        ("十七", 17),
        ("二十一", 21),
        ("一百零五", 105),
        ("两", 2),
        ("十", 10),
        ("零", 0),
        ("三千零二十", 3020),
        ("一万二千", 12000),
        ("二〇二〇", None),
        ("万", None),
        ("百", None),
        ("一二", None),
        ("十百", None),
    ],
)
def test_numbers_in_words(text: str, value: int | None) -> None:
    """Arabic and Chinese counts are read; a run that is not one number is not."""
    assert parse_number(text) == value


# -- the declaration ------------------------------------------------------------------------


def test_the_national_templates_declare_the_claims() -> None:
    """Both national templates declare the claims of section 三 and 四 on their cells."""
    for template in (NATIONAL_2019, NATIONAL_2021):
        ids = [c.id for c in template.spec.claims]
        assert ids == [
            "T.received",
            "T.handled",
            "T.open",
            "T.partial",
            "T.withheld",
            "T.unable",
            "T.not_handled",
            "T.other",
            "T.carried_out",
            "T.review",
            "T.suit",
        ]
    other_2019 = next(c for c in NATIONAL_2019.spec.claims if c.id == "T.other")
    other_2021 = next(c for c in NATIONAL_2021.spec.claims if c.id == "T.other")
    assert [t.line for t in other_2019.readings[0].terms] == ["r6"]
    assert [t.line for t in other_2021.readings[0].terms] == ["r6_1", "r6_2", "r6_3"]
    received = NATIONAL_2019.spec.claims[0]
    assert [r.expr for r in received.readings] == ["new", "new + carried_in"]


def _variant(**body: Any) -> dsl.Template:
    cls = type("Applications", (Applications2019,), dict(body))
    cls = dsl.table()(cls)
    return NATIONAL_2019.extend("claims-variant", tables=[cls])


def _claim(template: dsl.Template, id: str) -> Any:
    return next((c for c in template.spec.claims if c.id == id), None)


def test_a_variant_adds_phrases_to_a_claim() -> None:
    """amend(phrases=...) adds words to an inherited claim, keeping the base's."""
    variant = _variant(received=dsl.amend(phrases=("登记",)))
    assert _claim(variant, "T.received").phrases[-1] == "登记"
    assert "登记" not in _claim(NATIONAL_2019, "T.received").phrases
    report = _report(variant, "本年共登记申请2件。", new=2)
    assert [(c.claim, c.holds) for c in gx.check_claims(report)] == [("T.received", "holds")]


def test_a_variant_drops_a_claim_by_name_or_id() -> None:
    """drop() takes a claim away, by its attribute name or its id."""
    assert _claim(_variant(received=dsl.drop()), "T.received") is None
    assert _claim(_variant(gone=dsl.drop("T.handled")), "T.handled") is None


def test_a_variant_redeclares_or_adds_a_claim() -> None:
    """A claim declared under an inherited name replaces it in place; a new one is added."""
    variant = _variant(
        handled=dsl.claim("T.handled", this.r7_total, column="natural_person", phrases=("办",)),
        applicants=dsl.claim("T.people", this.new, column="natural_person", phrases=("个人",)),
    )
    ids = [c.id for c in variant.spec.table("s3").claims]
    assert ids[1] == "T.handled"
    assert ids[-1] == "T.people"
    assert _claim(variant, "T.handled").column == "natural_person"


def test_a_claim_on_a_dropped_line_goes_with_it() -> None:
    """A variant that drops a line drops the claims on it, unless it redeclares them."""
    assert _claim(_variant(r6=dsl.drop()), "T.other") is None
    assert _claim(NATIONAL_2021, "T.other") is not None  # redeclared on （六）'s three lines
    with pytest.raises(DeclarationError, match="whose lines are dropped"):
        _variant(r6=dsl.drop(), other=dsl.amend(phrases=("其它处理",)))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (lambda: {"x": dsl.amend(phrases=("(",))}, "not a regular expression"),
        (lambda: {"handled": dsl.amend(label="x")}, "takes phrases= and doc="),
        (lambda: {"r1_open": dsl.amend(phrases=("公开",))}, "only a claim has"),
        (
            lambda: {"x": dsl.claim("T.x", this.new, column="nobody", phrases=("新",))},
            "not declared",
        ),
        (
            lambda: {"x": dsl.claim("T.x", this.nothing, column="total", phrases=("新",))},
            "not declared",
        ),
        (
            lambda: {"x": dsl.claim("T.handled", this.new, column="total", phrases=("新",))},
            "share",
        ),
        (lambda: {"gone": dsl.drop("T.nothing")}, "does not declare"),
        (
            lambda: {
                "x": dsl.claim(
                    "T.x", this.new, column="total", phrases=("新",), share_of=this.nothing
                )
            },
            "not declared",
        ),
    ],
)
def test_bad_claims_are_refused(body: Callable[[], dict[str, Any]], message: str) -> None:
    """A malformed claim or variant operation is a DeclarationError that says why."""
    with pytest.raises(DeclarationError, match=message):
        _variant(**body())


def test_bad_claim_arguments_are_refused() -> None:
    """The claim's own arguments are checked when it is made."""
    with pytest.raises(DeclarationError, match="at least one phrase"):
        dsl.claim("T.x", this.new, column="total", phrases=())
    with pytest.raises(DeclarationError, match="empty text"):
        dsl.claim("T.x", this.new, column="total", phrases=("(?:x)?",))
    with pytest.raises(DeclarationError, match="cells are lines"):
        dsl.claim("T.x", 3, column="total", phrases=("x",))  # type: ignore[arg-type]
    with pytest.raises(DeclarationError, match=r"claims are declared in a @dsl\.table"):

        @dsl.columns
        class Pair:
            a: dsl.Count = dsl.column("甲")
            c = dsl.claim("T.x", this.a, column="a", phrases=("甲",))


def test_selectors_in_claims_follow_the_variant() -> None:
    """A claim over sum_of(lines(under=...)) takes the lines a variant adds."""

    @dsl.table()
    class More(Applications2021):
        r3_9: Applicants = dsl.line(
            "9.其他", under=("三、本年度办理结果", "（三）不予公开"), after="r3_8"
        )

    spec = NATIONAL_2021.extend("more", tables=[More]).spec
    withheld = next(c for c in spec.claims if c.id == "T.withheld")
    assert "r3_9" in [t.line for t in withheld.readings[0].terms]


# -- extraction -----------------------------------------------------------------------------


def _report(template: dsl.Template, *texts: str, **totals: int) -> Report:
    """A report of section 三's totals and some prose, one paragraph per line."""
    spec = template.spec
    s3 = spec.table("s3")
    tables = {
        "s3": {
            ln.id: {"total": gx.Cell(gx.Number(totals.get(ln.id, 0)), str(totals.get(ln.id, 0)))}
            for ln in s3.lines
        }
    }
    prose = tuple(Paragraph(t, Location(line=2 * k + 1)) for k, t in enumerate(texts))
    return Report(template=spec.id, tables=tables, prose=prose, spec=spec)


def _found(*texts: str, **totals: int) -> list[tuple[str, str, int]]:
    report = _report(NATIONAL_2019, *texts, **totals)
    return [(c.claim, c.holds, c.stated) for c in gx.check_claims(report)]


def test_claims_are_found_with_their_words() -> None:
    """Each declared phrase introduces its number; Chinese numerals count."""
    text = (
        "本年度共受理政府信息公开申请二十一件，办结二十件，其中予以公开十件、部分公开3件、"
        "不予公开两件，结转下年度继续办理1件。"
    )
    found = _found(text, new=21, r7_total=20, r1_open=10, r2_partial=3, r3_1=2, carried_out=1)
    assert found == [
        ("T.received", "holds", 21),
        ("T.handled", "holds", 20),
        ("T.open", "holds", 10),
        ("T.partial", "holds", 3),
        ("T.withheld", "holds", 2),
        ("T.carried_out", "holds", 1),
    ]


def test_a_claim_that_disagrees_names_the_sentence_and_the_cells() -> None:
    """A disagreement is a warning with the clause, the stated value and the cells."""
    report = _report(NATIONAL_2019, "本年新收申请5件，已全部办结。", new=4)
    (check,) = gx.check_claims(report)
    assert check.claim == "T.received"
    assert check.holds == "fails"
    assert check.severity == "warning"
    assert (check.stated, check.value) == (5, 4)
    assert check.clause == "本年新收申请5件"
    assert check.sentence == "本年新收申请5件，已全部办结。"
    assert check.source == Location(line=1)
    assert [(c.line_id, c.column_id, c.value) for c in check.cells] == [("new", "total", 4)]
    assert "本年新收申请5件" in check.message_zh
    assert "4" in check.message_zh
    assert "states 5" in check.message_en


def test_an_alternative_reading_holds_and_says_which() -> None:
    """共受理N件（含上年结转M件） counts the applications carried in: accepted, and said."""
    (check,) = gx.check_claims(
        _report(NATIONAL_2019, "共受理申请7件（含上年结转2件）。", new=5, carried_in=2)
    )
    assert (check.holds, check.reading) == ("holds", "new + carried_in")
    assert "new + carried_in" in check.message_en


@pytest.mark.parametrize(
    "text",
    [
        "全年发布信息1686篇，其中省级以上报道315篇。",  # no claim's unit
        "受理渠道畅通，共有17件。",  # the phrase is in another clause
        "共受理申请近20件。",  # an estimate
        "受理申请数量较上年增加3件。",  # a comparison
        "行政复议纠错1件。",  # a detail of the reviews
        "2023年受理政府信息公开申请。",  # no count
        "其中，予以公开及部分公开208件。",  # one number for two figures
        "予以公开、部分公开共5件。",  # the same, listed
    ],
)
def test_a_number_that_fits_no_claim_is_ignored(text: str) -> None:
    """Numbers no phrase introduces, or that words qualify, are never guessed at."""
    assert _found(text, new=99) == []


def test_figures_listed_one_after_another_are_each_found() -> None:
    """行政诉讼案件1件、行政复议案件2件: a list of figures, not one joined figure."""
    report = _report(NATIONAL_2019, "共有行政诉讼案件1件、行政复议案件2件，均已结案。")
    assert [(c.claim, c.stated) for c in gx.check_claims(report)] == []  # no section 四
    spec = NATIONAL_2019.spec
    s4 = {
        ln.id: {"total": gx.Cell(gx.Number(n), str(n))}
        for ln, n in zip(spec.table("s4").lines, (2, 1, 0), strict=True)
    }
    report = attrs.evolve(report, tables={**report.tables, "s4": s4})
    assert [(c.claim, c.holds, c.stated) for c in gx.check_claims(report)] == [
        ("T.suit", "holds", 1),
        ("T.review", "holds", 2),
    ]


def test_a_percentage_after_an_outcome_is_its_share_of_those_handled() -> None:
    """予以公开10件，占20%: 10 is 20% of （七）总计, to the printed precision (T.share)."""
    text = "办结申请50件，其中予以公开10件，占20%；不予公开3件（6.0%），无法提供1件（2.5%）。"
    report = _report(NATIONAL_2019, text, r7_total=50, r1_open=10, r3_1=3, r4_1=1)
    checks = [(c.claim, c.kind, c.holds, c.stated, c.value) for c in gx.check_claims(report)]
    assert checks == [
        ("T.handled", "number", "holds", 50, 50),
        ("T.open", "number", "holds", 10, 10),
        ("T.share", "share", "holds", Decimal("20"), Decimal("20")),
        ("T.withheld", "number", "holds", 3, 3),
        ("T.share", "share", "holds", Decimal("6.0"), Decimal("6.0")),
        ("T.unable", "number", "holds", 1, 1),
        ("T.share", "share", "fails", Decimal("2.5"), Decimal("2.0")),
    ]
    wrong = next(c for c in gx.check_claims(report) if c.holds == "fails")
    assert wrong.clause == "无法提供1件（2.5%）"
    assert [(c.line_id, c.column_id) for c in wrong.cells] == [("r7_total", "total")]
    assert "2.5%" in wrong.message_en


@pytest.mark.parametrize(
    ("percent", "holds"),
    [("33.3", "holds"), ("33", "holds"), ("33.33", "holds"), ("33.4", "fails"), ("34", "fails")],
)
def test_a_share_holds_to_its_printed_precision(percent: str, holds: str) -> None:
    """1 of 3 is 33%, 33.3% or 33.33% (rounded or cut), not 33.4% or 34%."""
    report = _report(NATIONAL_2019, f"予以公开1件，占{percent}%。", r7_total=3, r1_open=1)
    shares = [c.holds for c in gx.check_claims(report) if c.kind == "share"]
    assert shares == [holds]


def test_a_share_of_nothing_is_undecided() -> None:
    """With （七）总计 0 the share cannot be checked."""
    report = _report(NATIONAL_2019, "予以公开1件，占50%。", r1_open=1)
    assert [c.holds for c in gx.check_claims(report) if c.kind == "share"] == ["undecided"]


def test_a_claim_stated_twice_in_a_sentence_is_checked_once() -> None:
    """其中…收到申请2件 details the first statement; it is not a claim of its own."""
    text = "共收到申请3件，其中通过平台收到申请2件。"
    assert _found(text, new=3) == [("T.received", "holds", 3)]


def test_the_nearest_longest_phrase_names_the_number() -> None:
    """结转下年度继续办理 is not 办理: the longer phrase ending at the number wins."""
    assert _found("结转下年度继续办理2件。", carried_out=2) == [("T.carried_out", "holds", 2)]


def test_a_blank_cell_leaves_the_claim_undecided() -> None:
    """A claim on a blank or missing cell is neither held nor failed."""
    report = _report(NATIONAL_2019, "本年新收申请5件。")
    tables = {"s3": dict(report.tables["s3"])}
    tables["s3"]["new"] = {"total": gx.Cell(gx.BLANK, "")}
    report = Report(template=report.template, tables=tables, prose=report.prose, spec=report.spec)
    (check,) = gx.check_claims(report)
    assert (check.holds, check.value) == ("undecided", None)


def test_lines_broken_inside_a_sentence_are_joined() -> None:
    """A PDF's text lines, cut inside a sentence, are read as one sentence."""
    prose = (
        Paragraph("一、总体情况", Location(page=1, line=4)),
        Paragraph("2024 年，区政府办代表区政府受理政府", Location(page=1, line=5)),
        Paragraph("信息公开申请 17 件，均已答复。", Location(page=1, line=6)),
    )
    found = list(sentences(prose))
    assert [s.text for s in found] == [
        "一、总体情况",
        "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已答复。",
    ]
    assert found[1].source_at(found[1].text.index("17")) == Location(page=1, line=6)


def test_a_report_without_prose_or_claims_has_none() -> None:
    """No text, or a template that declares no claims: nothing to check."""
    assert gx.check_claims(_report(NATIONAL_2019)) == ()


# -- the reference reports --------------------------------------------------------------------


def test_the_seed_prose_sides_with_the_parts(seed_path: Path) -> None:
    """The seed: 收到2件 holds, 实际办理申请2件 fails against （七）总计 0, 不予公开2件 holds."""
    checks = {c.claim: c for c in gx.check_claims(gx.read(seed_path))}
    assert checks["T.received"].holds == "holds"
    assert checks["T.withheld"].holds == "holds"
    handled = checks["T.handled"]
    assert handled.holds == "fails"
    assert (handled.stated, handled.value) == (2, 0)
    assert handled.clause == "实际办理申请2件"
    assert [(c.line_id, c.column_id) for c in handled.cells] == [("r7_total", "total")]
    assert "（七）总计" in handled.message_zh
    assert handled.source is not None
    assert handled.source.line == 16


@needs_pdfplumber
def test_hzq_2024_states_17_applications_against_95() -> None:
    """淮安市洪泽区 2024: the text says 受理17件, the table 95."""
    report = gx.read(need(CORPUS / "hzq-2024.pdf"))
    failed = [c for c in gx.check_claims(report) if c.holds == "fails"]
    assert [(c.claim, c.stated, c.value) for c in failed] == [("T.received", 17, 95)]
    assert "受理政府信息公开申请 17 件" in failed[0].clause
    assert failed[0].source is not None
    assert failed[0].source.page == 1


# -- the text as evidence in the diagnosis ------------------------------------------------------


def test_the_seed_diagnosis_quotes_the_text(seed_path: Path) -> None:
    """The best explanation is still total_left_zero on （七）总计, and it cites the text."""
    best = gx.diagnose(gx.read(seed_path))[0]
    assert best.kind == "total_left_zero"
    assert {(c.line_id, c.column_id, c.proposed) for c in best.changes} >= {
        ("r7_total", "total", 2)
    }
    assert [e.clause for e in best.evidence] == ["实际办理申请2件"]
    assert "实际办理申请2件" in best.reason_zh
    assert "实际办理申请2件" in best.reason_en


def test_the_text_ranks_the_total_it_states_first(seed_path: Path) -> None:
    """Made costly, the total would come last; the text brings it first again."""
    report = gx.read(seed_path)
    costly = {("s3", "r7_total", "total"): 10.0, ("s3", "r7_total", "natural_person"): 10.0}
    silent = gx.diagnose(attrs.evolve(report, prose=()), weights=costly)
    assert silent[0].kind == "minimal_change"
    assert not silent[0].evidence
    told = gx.diagnose(report, weights=costly)
    assert told[0].kind == "total_left_zero"
    assert [e.claim for e in told[0].evidence] == ["T.handled"]


def test_a_stated_total_is_repaired_when_no_explanation_gave_it(seed_path: Path) -> None:
    """With no explanation that gives the total the stated value, one is made."""
    report = gx.read(seed_path)
    m = model(report.spec)
    case = _Case(m, report, None)
    i = m.index[("s3", "r7_total", "total")]
    found: list[tuple[int, list[Any]]] = [(m.component[i], [])]
    prefer_stated(case, found, gx.check_claims(report))
    (part,) = found[0][1]
    assert dict((c.line_id, c.proposed) for _, c in part.changes if c.column_id == "total") == {
        "r7_total": 2
    }
    assert part.evidence[0].clause == "实际办理申请2件"


# -- the writers state the claims -----------------------------------------------------------


def _reading_values(report: Report, claim: Any) -> set[int]:
    """The values of a claim's readings whose cells all hold numbers."""
    out = set()
    for side in claim.readings:
        values = []
        for t in side.terms:
            cell = report.cell(claim.table, t.line, t.column)
            if cell is not None and isinstance(cell.value, gx.Number):
                values.append(t.weight * cell.value.value)
        if len(values) == len(side.terms):
            out.add(sum(values))
    return out


@pytest.mark.parametrize("template", ["national-2019", "national-2021", "hybrid-2021"])
@settings(max_examples=examples(25))
@given(data=st.data())
def test_the_written_text_repeats_the_tables(template: str, data: st.DataObject) -> None:
    """Written text repeats a consistent report; one number changed makes one finding."""
    spec = gx.templates.get(template)
    report = data.draw(reports(spec, blanks=data.draw(st.sampled_from([0.0, 0.5]))))
    text = gx.render(report, "text")
    assert isinstance(text, str)
    checks = gx.check_claims(gx.read(text, template=spec))
    assert [c for c in checks if c.holds != "holds"] == []
    stated = [c for c in spec.claims if _reading_values(report, c)]
    assert [c.claim for c in checks] == [c.id for c in stated]
    if not stated:
        return
    claim = data.draw(st.sampled_from(stated))
    (paragraph,) = [para for _, para in overview(report, spec)]
    words = paragraph.rstrip("。").split("，")
    k = [c.id for c in stated].index(claim.id)
    new = max(_reading_values(report, claim)) + data.draw(st.integers(1, 1000))
    words[k] = re.sub(r"\d+", str(new), words[k])
    changed = text.replace(paragraph, "，".join(words) + "。")
    (finding,) = [c for c in gx.check_claims(gx.read(changed, template=spec)) if c.holds != "holds"]
    assert (finding.claim, finding.holds, finding.stated) == (claim.id, "fails", new)


@pytest.mark.parametrize("form", ["text", "markdown", "html", "docx"])
def test_every_form_carries_the_written_text(form: str, tmp_path: Path) -> None:
    """The paragraph under 一、总体情况 survives each form's round trip, and repeats the tables."""
    spec = NATIONAL_2021.spec
    report = distinct_report(spec)
    out = gx.render(report, form)
    if isinstance(out, bytes):
        path = tmp_path / f"report.{form}"
        path.write_bytes(out)
        back = gx.read(path, template=spec)
    else:
        back = gx.read(out, form=form, template=spec)
    assert back == report
    assert [p.text for p in back.prose if p.text.startswith("收到")] == [
        para for _, para in overview(report, spec)
    ]
    checks = gx.check_claims(back)
    assert len(checks) == len(spec.claims)
    assert all(c.holds == "holds" for c in checks)


def test_cli_diagnose_json_lists_the_evidence(seed_path: Path) -> None:
    """`gxschema diagnose --format json` gives each explanation the text that sides with it."""
    result = CliRunner().invoke(main, ["diagnose", str(seed_path), "--format", "json"])
    assert result.exit_code == 1
    [data] = json.loads(result.output)
    [evidence] = data["explanations"][0]["evidence"]
    assert (evidence["claim"], evidence["stated"], evidence["clause"]) == (
        "T.handled",
        2,
        "实际办理申请2件",
    )
    assert evidence["source"] == "line 16"


@settings(max_examples=examples(100))
@given(
    texts=st.lists(
        st.text(
            alphabet="收到受理办结予以公开部分不予处理无法提供行政复议诉讼结转下年度共其中及"
            "、，。；（）%0123456789十二两百零件起 .",
            max_size=60,
        ),
        max_size=6,
    )
)
def test_any_text_is_read_without_error(texts: list[str]) -> None:
    """Whatever the text, claims are found or not, never an error; each quotes its sentence."""
    report = _report(NATIONAL_2021, *texts, new=5, r7_total=5, r1_open=2)
    for check in gx.check_claims(report):
        assert check.text in check.sentence
        assert check.holds in ("holds", "fails", "undecided")
        assert check.kind == "share" or isinstance(check.stated, int)
