"""The declaration language: what it compiles to, variants, and bad declarations."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import gxschema as gx
from gxschema import dsl
from gxschema.dsl import this
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

    def leaves(spec: gx.spec.TemplateSpec) -> list[str]:
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


def _variant() -> dsl.Template:
    base_table = NATIONAL_2019.tables[-2]  # the section 三 declaration

    @dsl.table()
    class Applications(base_table):  # type: ignore[misc, valid-type]
        r6 = dsl.drop()
        results_total = dsl.drop()
        r1_open = dsl.amend(aliases=("（一）同意公开",))

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
    return dsl.columns(type("Bad", (), ns))


@dsl.columns
class Pair:
    """Two columns."""

    a: dsl.Count = dsl.column("甲")
    b: dsl.Count = dsl.column("乙")


BAD_DECLARATIONS = [
    (
        "unknown field",
        lambda: _row(
            {"a": dsl.column("甲"), "r": dsl.rule("X", this.a == this.nope)}, {"a": dsl.Count}
        ),
        "nope",
    ),
    ("no kind", lambda: _row({"a": dsl.column("甲")}, {"a": int}), "Count, Delta or Money"),
    (
        "duplicate label",
        lambda: _row(
            {"a": dsl.column("甲"), "b": dsl.column("甲")}, {"a": dsl.Count, "b": dsl.Count}
        ),
        "share the label",
    ),
    ("no columns", lambda: _row({}), "declares no column"),
    ("missing cell()", lambda: _row({}, {"a": dsl.Count}), "needs dsl.column"),
    ("drop of nothing", lambda: dsl.columns(type("V", (Pair,), {"zzz": dsl.drop()})), "zzz"),
    ("rule not a comparison", lambda: dsl.rule("X", this.a + this.b), "comparison"),  # type: ignore[arg-type]
    ("empty id", lambda: dsl.rule("", this.a == this.b), "id"),
    ("bad severity", lambda: dsl.rule("X", this.a == this.b, severity="fatal"), "severity"),  # type: ignore[arg-type]
    ("float weight", lambda: this.a * 1.5, "integers"),
    ("truth value", lambda: bool(this.a == this.b), "truth value"),
    ("bad table id", lambda: dsl.table("has space", label="x"), "table id"),
    (
        "line without row",
        lambda: dsl.table("t", label="x")(
            type("T", (), {"__annotations__": {"a": int}, "a": dsl.line("甲")})
        ),
        "@dsl.columns",
    ),
    (
        "mixed row classes",
        lambda: dsl.table("t", label="x")(
            type(
                "T",
                (),
                {
                    "__annotations__": {},
                    "a": dsl.line("甲", row=Pair),
                    "b": dsl.line("乙", row=_row({"c": dsl.column("丙")}, {"c": dsl.Count})),
                },
            )
        ),
        "share one columns class",
    ),
    ("template without tables", lambda: dsl.template("t", tables=[]), "no table"),
    ("template with a non-table", lambda: dsl.template("t", tables=[Pair]), "not a @dsl.table"),
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
    rel = this.total == dsl.sum_of(this, exclude=("total",))
    assert str(rel) == "total == Σ(all except total)"
    assert str(this.a + 2 * this.b - this.c) == "a + 2·b - c"
    s3 = NATIONAL_2019.spec.table("s3")
    row_total = next(r for r in s3.rules if r.id == "C3.row_total")
    assert row_total.relation == "total == Σ(all except total)"
    c = next(c for c in s3.constraints if c.rule.id == "C3.row_total")
    assert c.rhs.expr.startswith("natural_person + commercial")


# -- attrs builds the declared classes ------------------------------------------------


def test_a_variant_is_a_subclass_and_an_attrs_class() -> None:
    """Issubclass tells the truth; fields are attrs fields, instances are the typed view."""
    from gxschema.templates import Applicants, Applications2019, Applications2021

    assert issubclass(Applications2021, Applications2019)
    assert attrs.has(Applications2021)
    assert attrs.has(Applicants)
    names = [a.name for a in attrs.fields(Applications2021)]
    assert "r6" not in names
    assert names[names.index("r5_5") + 1 : names.index("r5_5") + 4] == ["r6_1", "r6_2", "r6_3"]
    line = Applicants(total=gx.Cell(gx.Number(3), "3"))
    assert Applications2021(new=line).new.total.value == gx.Number(3)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.total = None  # type: ignore[misc]


def test_a_subclass_without_its_decorator_is_refused() -> None:
    """A forgotten @dsl.table() would lose the new line silently: it is a DeclarationError."""
    base = NATIONAL_2019.tables[0]

    class Forgot(base):  # type: ignore[misc, valid-type]
        other_documents = dsl.line("其他主动公开文件")

    with pytest.raises(gx.DeclarationError, match=r"Forgot .*not decorated.*other_documents"):
        NATIONAL_2019.extend("forgot", tables=[Forgot])

    class ForgotColumns(Pair):
        c: dsl.Count = dsl.column("丙")

    with pytest.raises(gx.DeclarationError, match="ForgotColumns"):
        dsl.table("t", label="x")(
            type("T", (), {"__annotations__": {"a": ForgotColumns}, "a": dsl.line("甲")})
        )


def test_drop_takes_a_rule_id_and_lists_what_exists() -> None:
    """drop("C3.results_total") drops by id; an unknown target lists the lines and rules."""
    base = NATIONAL_2019.tables[-2]

    @dsl.table()
    class ById(base):  # type: ignore[misc, valid-type]
        dropped = dsl.drop("C3.results_total", "r6")

    decl_rules = {r.id for r in NATIONAL_2019.extend("by-id", tables=[ById]).spec.table("s3").rules}
    assert "C3.results_total" not in decl_rules
    assert "C3.balance" in decl_rules
    with pytest.raises(gx.DeclarationError) as info:
        dsl.table()(type("Typo", (base,), {"x": dsl.drop("C3.result_total")}))
    message = str(info.value)
    assert "C3.result_total" in message
    assert "results_total (C3.results_total)" in message
    assert "r7_total" in message


def test_postponed_annotations_resolve_in_a_function_namespace() -> None:
    """Classes declared in a function, annotated with local classes, are resolved."""

    @dsl.columns
    class Local:
        a: dsl.Count = dsl.column("甲")

    @dsl.table("t", label="本地")
    class LocalTable:
        first: Local = dsl.line("第一")

    spec = dsl.template("local", tables=[LocalTable]).spec
    assert [c.id for c in spec.table("t").columns] == ["a"]

    with pytest.raises(gx.DeclarationError, match="cannot resolve an annotation"):

        @dsl.table("t", label="本地")
        class Unresolved:
            first: NoSuchClass = dsl.line("第一")  # type: ignore[name-defined]  # noqa: F821


def test_the_spec_carries_the_names_a_variant_needs() -> None:
    """Rules know their attribute name and class; tables their table and columns class."""
    s3 = NATIONAL_2021.spec.table("s3")
    assert (s3.class_name, s3.columns_name) == ("Applications2021", "Applicants")
    rules = {r.id: (r.name, r.owner) for r in s3.rules}
    assert rules["C3.results_total"] == ("results_total", "Applications2019")
    assert rules["C3.row_total"] == ("row_total", "Applicants")
