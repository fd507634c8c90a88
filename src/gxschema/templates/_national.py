"""The two national templates, declared once.

``national-2019``: 《中华人民共和国政府信息公开工作年度报告格式（试行）》
(国办公开办函〔2019〕60号), used for the 2019 and 2020 reports.
``national-2021``: 《中华人民共和国政府信息公开工作年度报告格式》 (国办公开办函〔2021〕30号),
used from the 2021 reports on.

Labels are the templates' own, verbatim.  Every other module derives from these
declarations; nothing else spells a label or a rule again.
"""

from __future__ import annotations

from typing import Any

from gxschema import dsl
from gxschema.dsl import Template, lines, sum_of, this

# -- section headings -----------------------------------------------------------------

S2 = "二、主动公开政府信息情况"
S3 = "三、收到和处理政府信息公开申请情况"
S4 = "四、政府信息公开行政复议、行政诉讼情况"
INFO = "信息内容"

NATIONAL_SECTIONS = (
    dsl.Section("一", "一、总体情况", ("总体情况",), prose=True),
    dsl.Section("二", S2, ("主动公开",)),
    dsl.Section("三", S3, ("申请",)),
    dsl.Section("四", S4, ("行政复议", "行政诉讼")),
    dsl.Section(
        "五", "五、存在的主要问题及改进情况", ("存在的主要问题", "问题", "改进"), prose=True
    ),
    dsl.Section("六", "六、其他需要报告的事项", ("其他需要报告", "其他"), prose=True),
)
"""The six numbered sections both national templates have (a section is recognised by
its number and any of its keywords, since agencies print longer titles)."""

RESULTS = "三、本年度办理结果"
WITHHELD = (RESULTS, "（三）不予公开")
UNABLE = (RESULTS, "（四）无法提供")
NOT_HANDLED = (RESULTS, "（五）不予处理")
OTHER_HANDLING = (RESULTS, "（六）其他处理")

OVERVIEW = "一、总体情况"
"""The section whose text states the claims again (the writers state them there)."""

LEGAL_PERSON = "法人或其他组织"
LITIGATION = "行政诉讼"


def _claim(id: str, cells: Any, *phrases: str, **more: Any) -> Any:
    """A claim on the total column, stated in section 一."""
    return dsl.claim(id, cells, column="total", phrases=phrases, section=OVERVIEW, **more)


# -- section 二, template 2019 --------------------------------------------------------


@dsl.columns
class Documents2019:
    """第二十条第（一）项, 2019: documents made, published, and in force."""

    made: dsl.Count = dsl.column("本年新制作数量")
    published: dsl.Count = dsl.column("本年新公开数量")
    total_public: dsl.Count = dsl.column("对外公开总数量")

    published_le_total = dsl.rule(
        "S2.a_published",
        this.published <= this.total_public,
        severity="warning",
        zh="{where}：本年新公开数量（{lhs}）超过对外公开总数量（{rhs}）",
        en="{where}: documents published this year ({lhs}) exceed the total published ({rhs})",
        doc="Not an official rule: it follows from the columns' meaning only.",
    )


@dsl.columns
class Items2019:
    """第二十条第（五）（六）项, 2019: last year's number, this year's change, decisions."""

    previous: dsl.Count = dsl.column("上一年项目数量")
    change: dsl.Delta = dsl.column("本年增/减", aliases=("本年增减",))
    decisions: dsl.Count = dsl.column("处理决定数量")

    delta = dsl.rule(
        "S2.delta",
        this.previous + this.change == this.decisions,
        severity="warning",
        zh="{where}：上一年项目数量加本年增/减（{lhs}）与处理决定数量（{rhs}）不一致",
        en="{where}: last year's number plus this year's change ({lhs}) "
        "differs from the decisions ({rhs})",
        doc="Not an official rule: it holds only when the columns are read as last year's "
        "decisions, this year's change and this year's decisions; Hubei's instructions "
        "read them as item types against cases handled, under which it need not hold.",
    )


@dsl.columns
class Fees2019:
    """第二十条第（八）项, 2019: fee items last year and this year's change."""

    previous: dsl.Count = dsl.column("上一年项目数量")
    change: dsl.Delta = dsl.column("本年增/减")


@dsl.columns
class Procurement2019:
    """第二十条第（九）项, 2019: procurement projects and their total amount."""

    projects: dsl.Count = dsl.column("采购项目数量")
    amount: dsl.Money = dsl.column(
        "采购总金额", unit="元", doc="No unit in the header; cells carry it."
    )


@dsl.table("s2.art20_1", label="第二十条第（一）项", section=S2, corner=INFO)
class Art20_1_2019:
    """Rules, normative documents (法规、规章和规范性文件)."""

    rules: Documents2019 = dsl.line("规章")
    normative: Documents2019 = dsl.line("规范性文件")


@dsl.table("s2.art20_5", label="第二十条第（五）项", section=S2, corner=INFO)
class Art20_5_2019:
    """Administrative licensing and other external services."""

    licensing: Items2019 = dsl.line("行政许可")
    other_services: Items2019 = dsl.line("其他对外管理服务事项")


@dsl.table("s2.art20_6", label="第二十条第（六）项", section=S2, corner=INFO)
class Art20_6_2019:
    """Administrative penalties and compulsory measures."""

    penalty: Items2019 = dsl.line("行政处罚")
    compulsion: Items2019 = dsl.line("行政强制")


@dsl.table("s2.art20_8", label="第二十条第（八）项", section=S2, corner=INFO)
class Art20_8_2019:
    """Administrative fees."""

    fees: Fees2019 = dsl.line("行政事业性收费")


@dsl.table("s2.art20_9", label="第二十条第（九）项", section=S2, corner=INFO)
class Art20_9_2019:
    """Government centralised procurement (2019 only)."""

    procurement: Procurement2019 = dsl.line("政府集中采购")


# -- section 二, template 2021 --------------------------------------------------------


@dsl.columns
class Documents2021:
    """第二十条第（一）项, 2021: documents issued, repealed, in force."""

    issued: dsl.Count = dsl.column("本年制发件数", notes=("修订", "制定"))
    repealed: dsl.Count = dsl.column("本年废止件数", notes=("废止", "失效"))
    in_force: dsl.Count = dsl.column("现行有效件数")


@dsl.columns
class Decisions2021:
    """第二十条第（五）（六）项, 2021: decisions this year."""

    decisions: dsl.Count = dsl.column("本年处理决定数量")


@dsl.columns
class Fees2021:
    """第二十条第（八）项, 2021: fees collected this year, in 万元."""

    amount: dsl.Money = dsl.column("本年收费金额（单位：万元）", unit="万元")

    plausible_unit = dsl.rule(
        "S.fee_unit",
        this.amount <= 1_000_000,
        severity="warning",
        zh="{where}：收费金额 {lhs} 万元超过 100 亿元，可能按“元”填报",
        en="{where}: {lhs} 万元 is over 10 billion yuan; it was probably entered in 元",
        doc="A heuristic: the header fixes the unit at 万元.",
    )


@dsl.table("s2.art20_1", label="第二十条第（一）项", section=S2, corner=INFO)
class Art20_1_2021:
    """Rules and administrative normative documents."""

    rules: Documents2021 = dsl.line("规章")
    normative: Documents2021 = dsl.line("行政规范性文件")


@dsl.table("s2.art20_5", label="第二十条第（五）项", section=S2, corner=INFO)
class Art20_5_2021:
    """Administrative licensing."""

    licensing: Decisions2021 = dsl.line("行政许可")


@dsl.table("s2.art20_6", label="第二十条第（六）项", section=S2, corner=INFO)
class Art20_6_2021:
    """Administrative penalties and compulsory measures."""

    penalty: Decisions2021 = dsl.line("行政处罚")
    compulsion: Decisions2021 = dsl.line("行政强制")


@dsl.table("s2.art20_8", label="第二十条第（八）项", section=S2, corner=INFO)
class Art20_8_2021:
    """Administrative fees, in 万元."""

    fees: Fees2021 = dsl.line("行政事业性收费")


# -- section 三 ------------------------------------------------------------------------


@dsl.columns
class Applicants:
    """Applications by applicant type (申请人情况)."""

    natural_person: dsl.Count = dsl.column("自然人")
    commercial: dsl.Count = dsl.column("商业企业", group=LEGAL_PERSON)
    research: dsl.Count = dsl.column("科研机构", group=LEGAL_PERSON)
    social_welfare: dsl.Count = dsl.column("社会公益组织", group=LEGAL_PERSON)
    legal_service: dsl.Count = dsl.column("法律服务机构", group=LEGAL_PERSON)
    other: dsl.Count = dsl.column("其他", group=LEGAL_PERSON)
    total: dsl.Count = dsl.column("总计", aliases=("合计",))

    row_total = dsl.rule(
        "C3.row_total",
        this.total == sum_of(this, exclude=("total",)),
        zh="{where}：总计（{lhs}）应等于各类申请人之和（{rhs}），相差 {difference}",
        en="{where}: the total ({lhs}) should equal the sum over applicants ({rhs}); "
        "they differ by {difference}",
        doc="Implied by the column header 总计 under 申请人情况.",
    )


@dsl.table(
    "s3",
    label="收到和处理政府信息公开申请情况",
    section=S3,
    corner="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    header="申请人情况",
)
class Applications2019:
    """Applications received and how they were handled (template 2019: one （六） row)."""

    new: Applicants = dsl.line("一、本年新收政府信息公开申请数量")
    carried_in: Applicants = dsl.line("二、上年结转政府信息公开申请数量")
    r1_open: Applicants = dsl.line("（一）予以公开", under=RESULTS)
    r2_partial: Applicants = dsl.line(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", under=RESULTS
    )
    r3_1: Applicants = dsl.line("1.属于国家秘密", under=WITHHELD)
    r3_2: Applicants = dsl.line("2.其他法律行政法规禁止公开", under=WITHHELD)
    r3_3: Applicants = dsl.line("3.危及“三安全一稳定”", under=WITHHELD)
    r3_4: Applicants = dsl.line("4.保护第三方合法权益", under=WITHHELD)
    r3_5: Applicants = dsl.line("5.属于三类内部事务信息", under=WITHHELD)
    r3_6: Applicants = dsl.line("6.属于四类过程性信息", under=WITHHELD)
    r3_7: Applicants = dsl.line("7.属于行政执法案卷", under=WITHHELD)
    r3_8: Applicants = dsl.line("8.属于行政查询事项", under=WITHHELD)
    r4_1: Applicants = dsl.line("1.本机关不掌握相关政府信息", under=UNABLE)
    r4_2: Applicants = dsl.line("2.没有现成信息需要另行制作", under=UNABLE)
    r4_3: Applicants = dsl.line("3.补正后申请内容仍不明确", under=UNABLE)
    r5_1: Applicants = dsl.line("1.信访举报投诉类申请", under=NOT_HANDLED)
    r5_2: Applicants = dsl.line("2.重复申请", under=NOT_HANDLED)
    r5_3: Applicants = dsl.line("3.要求提供公开出版物", under=NOT_HANDLED)
    r5_4: Applicants = dsl.line("4.无正当理由大量反复申请", under=NOT_HANDLED)
    r5_5: Applicants = dsl.line("5.要求行政机关确认或重新出具已获取信息", under=NOT_HANDLED)
    r6: Applicants = dsl.line("（六）其他处理", under=RESULTS)
    r7_total: Applicants = dsl.line("（七）总计", under=RESULTS, aliases=("（七）合计",))
    carried_out: Applicants = dsl.line("四、结转下年度继续办理")

    # Narrative claims: figures of this table that section 一 states again in words.
    received = _claim(
        "T.received",
        this.new,
        "收到",
        "受理",
        "新收",
        "接收",
        "接到",
        also=(this.new + this.carried_in,),
        wording="收到政府信息公开申请{n}件",
        doc="Some reports count the applications carried in: 共受理N件（含上年结转M件）.",
    )
    handled = _claim("T.handled", this.r7_total, "办理", "办结", "答复")
    # A percentage after an outcome's number is its share of the applications handled.
    opened = _claim("T.open", this.r1_open, "予以公开", "同意公开", share_of=this.r7_total)
    partial = _claim("T.partial", this.r2_partial, "部分公开", share_of=this.r7_total)
    withheld = _claim(
        "T.withheld",
        sum_of(lines(under=WITHHELD)),
        "不予公开",
        also=(sum_of(lines(under=WITHHELD)) + sum_of(lines(under=UNABLE)),),
        share_of=this.r7_total,
        doc="Some reports call every refusal 不予公开, counting （四）无法提供 in too.",
    )
    unable = _claim("T.unable", sum_of(lines(under=UNABLE)), "无法提供", share_of=this.r7_total)
    not_handled = _claim(
        "T.not_handled", sum_of(lines(under=NOT_HANDLED)), "不予处理", share_of=this.r7_total
    )
    other = _claim("T.other", this.r6, "其他处理", share_of=this.r7_total)
    carried = _claim(
        "T.carried_out",
        this.carried_out,
        "结转(?:至|到)?下一?年度?(?:继续办理)?",
        wording="结转下年度继续办理{n}件",
    )

    balance = dsl.rule(
        "C3.balance",
        this.new + this.carried_in == this.r7_total + this.carried_out,
        zh="{where}：本年新收加上年结转（{lhs}）应等于办理结果总计加结转下年度（{rhs}），"
        "相差 {difference}",
        en="{where}: new plus carried-in applications ({lhs}) should equal handled plus "
        "carried-out ({rhs}); they differ by {difference}",
        doc="Stated in the template itself, in the header note of section 三.",
    )
    results_total = dsl.rule(
        "C3.results_total",
        this.r7_total == sum_of(lines(under=RESULTS), exclude=("r7_total",)),
        zh="{where}：（七）总计（{lhs}）应等于各项办理结果之和（{rhs}），相差 {difference}",
        en="{where}: （七）总计 ({lhs}) should equal the sum of the outcomes ({rhs}); "
        "they differ by {difference}",
        doc="Implied by the label （七）总计 and the partition rule in row （二）.",
    )


@dsl.table()
class Applications2021(Applications2019):
    """Applications received and handled (template 2021: （六） splits into three rows)."""

    r6 = dsl.drop()
    r6_1: Applicants = dsl.line(
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        under=OTHER_HANDLING,
        after="r5_5",
    )
    r6_2: Applicants = dsl.line(
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        under=OTHER_HANDLING,
    )
    r6_3: Applicants = dsl.line("3.其他", under=OTHER_HANDLING)

    other = _claim(
        "T.other", sum_of(lines(under=OTHER_HANDLING)), "其他处理", share_of=this.r7_total
    )


# -- section 四 ------------------------------------------------------------------------


@dsl.columns
class Outcomes:
    """Outcomes of reviews and lawsuits."""

    upheld: dsl.Count = dsl.column("结果维持")
    corrected: dsl.Count = dsl.column("结果纠正")
    other: dsl.Count = dsl.column("其他结果")
    pending: dsl.Count = dsl.column("尚未审结")
    total: dsl.Count = dsl.column("总计", aliases=("合计",))

    group_total = dsl.rule(
        "C4.group_total",
        this.upheld + this.corrected + this.other + this.pending == this.total,
        zh="{where}：结果维持、结果纠正、其他结果、尚未审结之和（{lhs}）应等于总计（{rhs}），"
        "相差 {difference}",
        en="{where}: upheld + corrected + other + pending ({lhs}) should equal the total "
        "({rhs}); they differ by {difference}",
        doc="Implied by the 总计 columns.",
    )


@dsl.table("s4", label="政府信息公开行政复议、行政诉讼情况", section=S4, layout="flat")
class Reviews:
    """Administrative reviews and lawsuits (one printed row of 15 cells)."""

    review: Outcomes = dsl.line("行政复议")
    suit_direct: Outcomes = dsl.line("未经复议直接起诉", under=LITIGATION)
    suit_after_review: Outcomes = dsl.line("复议后起诉", under=LITIGATION)

    reviewed = _claim("T.review", this.review, "行政复议", units=("件", "起"))
    sued = _claim(
        "T.suit", this.suit_direct + this.suit_after_review, "行政诉讼", units=("件", "起")
    )


# -- the templates -----------------------------------------------------------------------

NATIONAL_2019 = Template(
    id="national-2019",
    title="中华人民共和国政府信息公开工作年度报告格式（试行）",
    tables=(
        Art20_1_2019,
        Art20_5_2019,
        Art20_6_2019,
        Art20_8_2019,
        Art20_9_2019,
        Applications2019,
        Reviews,
    ),
    first_year=2019,
    last_year=2020,
    description="国办公开办函〔2019〕60号; used for the 2019 and 2020 reports.",
    sections=NATIONAL_SECTIONS,
)

NATIONAL_2021 = Template(
    id="national-2021",
    title="中华人民共和国政府信息公开工作年度报告格式",
    tables=(Art20_1_2021, Art20_5_2021, Art20_6_2021, Art20_8_2021, Applications2021, Reviews),
    first_year=2021,
    description="国办公开办函〔2021〕30号; used from the 2021 reports on.",
    sections=NATIONAL_SECTIONS,
)
