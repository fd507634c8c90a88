"""The declaration language: what it compiles to, variants, and bad declarations."""

from __future__ import annotations

from typing import Any

import pytest

import gxschema as gx
from gxschema import this
from gxschema.templates import NATIONAL_2019, NATIONAL_2021


def test_national_templates_have_the_official_shape() -> None:
    """Section 三 has 23 (2019) and 25 (2021) lines of 7 columns; 四 has 3 × 5."""
    s2019, s2021 = NATIONAL_2019.spec, NATIONAL_2021.spec
    assert len(s2019.table("s3").lines) * len(s2019.table("s3").columns) == 161
    assert len(s2021.table("s3").lines) * len(s2021.table("s3").columns) == 175
    for spec in (s2019, s2021):
        s4 = spec.table("s4")
        assert [ln.id for ln in s4.lines] == ["review", "suit_direct", "suit_after_review"]
        assert [c.id for c in s4.columns] == ["upheld", "corrected", "other", "pending", "total"]
    assert [t.id for t in s2019.tables][-2:] == ["s3", "s4"]
    assert "s2.art20_9" in {t.id for t in s2019.tables}
    assert "s2.art20_9" not in {t.id for t in s2021.tables}


def test_results_total_ranges_over_the_lines_under_its_heading() -> None:
    """C3.results_total sums 19 leaves in 2019 and 21 in 2021, written once."""

    def leaves(spec: gx.TemplateSpec) -> list[str]:
        c = next(c for c in spec.table("s3").constraints if c.rule.id == "C3.results_total")
        assert [t.line for t in c.lhs.terms] == ["r7_total"]
        return [t.line for t in c.rhs.terms]

    assert len(leaves(NATIONAL_2019.spec)) == 19
    assert len(leaves(NATIONAL_2021.spec)) == 21
    assert leaves(NATIONAL_2021.spec)[-3:] == ["r6_1", "r6_2", "r6_3"]


def test_rules_broadcast_over_lines_and_columns() -> None:
    """Row rules apply on every line, table rules on every column, N.int on every count cell."""
    s3 = NATIONAL_2019.spec.table("s3")
    by_rule: dict[str, list[str]] = {}
    for c in s3.constraints:
        by_rule.setdefault(c.rule.id, []).append(c.at)
    assert by_rule["C3.row_total"] == [ln.id for ln in s3.lines]
    assert by_rule["C3.balance"] == [c.id for c in s3.columns]
    assert len(by_rule["N.int"]) == 161


def test_linear_form_of_balance() -> None:
    """C3.balance compiles to new + carried_in - r7_total - carried_out == 0 per column."""
    c = next(
        c
        for c in NATIONAL_2019.spec.table("s3").constraints
        if c.rule.id == "C3.balance" and c.at == "total"
    )
    weights, const = c.linear()
    assert weights == {
        ("new", "total"): 1,
        ("carried_in", "total"): 1,
        ("r7_total", "total"): -1,
        ("carried_out", "total"): -1,
    }
    assert const == 0
    assert c.rule.relation == "new + carried_in == r7_total + carried_out"


def test_spec_is_immutable() -> None:
    """The compiled spec cannot be changed."""
    spec = NATIONAL_2019.spec
    with pytest.raises(AttributeError):
        spec.id = "x"  # type: ignore[misc]
    assert spec is NATIONAL_2019.spec


# -- a user's own variant -------------------------------------------------------------


def _variant() -> gx.Template:
    base_table = NATIONAL_2019.tables[-2]  # the section 三 declaration

    @gx.table()
    class Applications(base_table):  # type: ignore[misc, valid-type]
        r6 = gx.drop()
        results_total = gx.drop()
        r1_open = gx.amend(aliases=("（一）同意公开",))

    return NATIONAL_2019.extend("test-variant", tables=[Applications], drop=["s2.art20_9"])


def test_a_variant_says_only_what_differs() -> None:
    """A subclass drops a line and a rule and adds an alias, without copying the base."""
    spec = _variant().spec
    s3 = spec.table("s3")
    assert "r6" not in {ln.id for ln in s3.lines}
    assert "C3.results_total" not in {r.id for r in s3.rules}
    assert "C3.balance" in {r.id for r in s3.rules}
    assert "（一）同意公开" in s3.line("r1_open").aliases
    assert "s2.art20_9" not in {t.id for t in spec.tables}
    assert spec.base == "national-2019"
    # The base is untouched.
    assert "r6" in {ln.id for ln in NATIONAL_2019.spec.table("s3").lines}


def test_a_registered_variant_is_used_by_read() -> None:
    """Registering a template makes read() consider it; unregistering removes it."""
    variant = _variant()
    gx.templates.register(variant)
    try:
        assert "test-variant" in gx.templates.available()
        assert gx.templates.get("test-variant") is variant.spec
    finally:
        gx.templates.unregister("test-variant")
    assert "test-variant" not in gx.templates.available()


# -- bad declarations -----------------------------------------------------------------


def _row(body: dict[str, Any], annotations: dict[str, Any] | None = None) -> type:
    ns = dict(body)
    ns["__annotations__"] = annotations or {}
    return gx.row(type("Bad", (), ns))


@gx.row
class Pair:
    """Two columns."""

    a: gx.Count = gx.cell("甲")
    b: gx.Count = gx.cell("乙")


BAD_DECLARATIONS = [
    (
        "unknown field",
        lambda: _row({"a": gx.cell("甲"), "r": gx.rule("X", this.a == this.nope)}, {"a": gx.Count}),
        "nope",
    ),
    ("no kind", lambda: _row({"a": gx.cell("甲")}, {"a": int}), "gx.Count"),
    (
        "duplicate label",
        lambda: _row({"a": gx.cell("甲"), "b": gx.cell("甲")}, {"a": gx.Count, "b": gx.Count}),
        "share the label",
    ),
    ("no columns", lambda: _row({}), "declares no column"),
    ("missing cell()", lambda: _row({}, {"a": gx.Count}), "needs gx.cell"),
    ("drop of nothing", lambda: gx.row(type("V", (Pair,), {"zzz": gx.drop()})), "zzz"),
    ("rule not a comparison", lambda: gx.rule("X", this.a + this.b), "comparison"),  # type: ignore[arg-type]
    ("empty id", lambda: gx.rule("", this.a == this.b), "id"),
    ("bad severity", lambda: gx.rule("X", this.a == this.b, severity="fatal"), "severity"),  # type: ignore[arg-type]
    ("float weight", lambda: this.a * 1.5, "integers"),
    ("truth value", lambda: bool(this.a == this.b), "truth value"),
    ("bad table id", lambda: gx.table("has space", label="x"), "table id"),
    (
        "line without row",
        lambda: gx.table("t", label="x")(
            type("T", (), {"__annotations__": {"a": int}, "a": gx.line("甲")})
        ),
        "@gx.row",
    ),
    (
        "mixed row classes",
        lambda: gx.table("t", label="x")(
            type(
                "T",
                (),
                {
                    "__annotations__": {},
                    "a": gx.line("甲", row=Pair),
                    "b": gx.line("乙", row=_row({"c": gx.cell("丙")}, {"c": gx.Count})),
                },
            )
        ),
        "share one row class",
    ),
    ("template without tables", lambda: gx.template("t", tables=[]), "no table"),
    ("template with a non-table", lambda: gx.template("t", tables=[Pair]), "not a @gx.table"),
]


@pytest.mark.parametrize(
    ("name", "build", "needle"), BAD_DECLARATIONS, ids=[b[0] for b in BAD_DECLARATIONS]
)
def test_bad_declarations_fail_at_creation(name: str, build: Any, needle: str) -> None:
    """Each malformed declaration raises DeclarationError naming the problem, at once."""
    with pytest.raises(gx.DeclarationError, match=needle):
        build()


def test_declaration_error_is_a_type_error() -> None:
    """DeclarationError is both the library's error and a TypeError."""
    assert issubclass(gx.DeclarationError, gx.GxSchemaError)
    assert issubclass(gx.DeclarationError, TypeError)
    assert issubclass(gx.ParseError, ValueError)


def test_expression_trees_print_readably() -> None:
    """Rules print as written, with selectors expanded once compiled."""
    rel = this.total == gx.sum_of(this, exclude=("total",))
    assert str(rel) == "total == Σ(all except total)"
    assert str(this.a + 2 * this.b - this.c) == "a + 2·b - c"
    s3 = NATIONAL_2019.spec.table("s3")
    row_total = next(r for r in s3.rules if r.id == "C3.row_total")
    assert row_total.relation == "total == Σ(all except total)"
    c = next(c for c in s3.constraints if c.rule.id == "C3.row_total")
    assert c.rhs.expr.startswith("natural_person + commercial")
