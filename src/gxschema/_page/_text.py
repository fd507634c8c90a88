"""The words of the check pages, in Chinese and English, and the HTML helpers that print them.

A page carries both languages: every text is a pair of spans (``gz`` for Chinese,
``ge`` for English) and the page's language switch hides one of them, so that switching
needs no second page and no network.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

__all__ = [
    "UI",
    "VERDICTS",
    "both",
    "esc",
    "num",
    "ui",
]

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def esc(text: object) -> str:
    """Escape text for HTML (quotes too, so that it fits an attribute)."""
    return html.escape(_INVALID.sub("", str(text)), quote=True)


def both(zh: str, en: str, tag: str = "span") -> str:
    """The two spans of a text, escaped: Chinese, then English."""
    if zh == en:
        return esc(zh)
    return f'<{tag} class="gz">{esc(zh)}</{tag}><{tag} class="ge" lang="en">{esc(en)}</{tag}>'


def num(x: int | Decimal | None) -> str:
    """A number as a message shows it (``None`` as the empty string)."""
    if x is None:
        return ""
    if isinstance(x, Decimal):
        return format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")
    return str(x)


VERDICTS: dict[str, tuple[str, str, str, str, str]] = {
    # verdict: (symbol, zh, en, what it means zh, what it means en) — DOMAIN §10.1
    "ok": (
        "✔",
        "通过",
        "ok",
        "所有声明的表格和单元格齐全，所有硬性规则成立",
        "every declared table and cell is present and every hard rule holds",
    ),
    "failed": (
        "✘",
        "未通过",
        "failed",
        "至少一条错误级的规则不成立",
        "at least one error-severity finding fails",
    ),
    "incomplete": (
        "◐",
        "不完整",
        "incomplete",
        "没有规则不成立，但缺少或空白的表格、行或单元格使某些硬性规则无法判断",
        "nothing fails, but a declared table, line or cell is missing or blank, so some "
        "hard rule cannot be decided",
    ),
    "unreadable": (
        "⊘",
        "无法读取",
        "unreadable",
        "文件无法读取，或其中没有声明的表格",
        "the file cannot be read, or no declared table is found in it",
    ),
}

UI: dict[str, tuple[str, str]] = {
    "agency": ("机关", "agency"),
    "year": ("年度", "year"),
    "template": ("模板", "template"),
    "title": ("标题（原文）", "title as printed"),
    "file": ("文件", "file"),
    "from_title": ("取自标题", "from the title"),
    "from_period": ("取自统计期限", "from the statistics period"),
    "from_file_name": ("取自文件名", "from the file name"),
    "from_user": ("由用户给出", "given by the user"),
    "errors": ("错误", "errors"),
    "warnings": ("警告", "warnings"),
    "findings": ("发现", "findings"),
    "diagnosis": ("建议的更正", "Suggested fix"),
    "no_diagnosis": (
        "按所读的单元格，没有改动能解释这些问题",
        "no change of the cells read explains it",
    ),
    "completeness": ("完整性", "Completeness"),
    "complete": ("所有声明的表格、行和章节齐全", "every declared table, line and section is there"),
    "rules": ("表格规则", "Table rules"),
    "rules_hold": ("所有规则成立", "every rule holds"),
    "claims": ("文字陈述", "Narrative claims"),
    "no_claims": ("正文中没有找到与表格对应的数字", "the text states no number the tables repeat"),
    "holds": ("一致", "holds"),
    "fails": ("不一致", "fails"),
    "undecided": ("无法判断", "undecided"),
    "stated": ("正文", "stated"),
    "table_says": ("表格", "table"),
    "tables": ("表格", "Tables"),
    "missing_table": ("文档中没有这张表格", "this table is not in the document"),
    "legend": ("图例", "Legend"),
    "lg_fail": ("错误级规则不成立的单元格", "cell of a failing hard rule"),
    "lg_uncertain": ("缺失、空白或无法判断", "missing, blank or undecided"),
    "lg_warn": ("警告（软性规则或文字陈述）", "warning (soft rule or claim)"),
    "lg_inferred": ("读取时推断出的单元格", "cell the reader inferred"),
    "lg_fix": ("建议更正：原值 → 新值", "suggested fix: old → new"),
    "lg_click": (
        "点击或聚焦单元格，查看它涉及的每条发现",
        "click or focus a cell to see every finding it is part of",
    ),
    "source": ("来源文件", "source file"),
    "sha256": ("SHA-256", "SHA-256"),
    "version": ("gxschema 版本", "gxschema version"),
    "how_read": ("各表格的读取方式", "How each table was read"),
    "placed": ("单元格放置", "cells placed"),
    "by_position": ("按位置放入", "placed by position"),
    "extras": ("模板未声明的行或列", "rows or columns the template does not declare"),
    "unreadable_msg": ("读取错误", "reading error"),
    "generated": ("由 gxschema 生成的核查页", "check page made by gxschema"),
    "cell": ("单元格", "cell"),
}


def ui(key: str, tag: str = "span") -> str:
    """A word of the page, in both languages."""
    zh, en = UI[key]
    return both(zh, en, tag)
