"""The five price models: annual prices, explanations, clamping and building from fields."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.bands import parse_bands
from pricing.census import CensusRef
from pricing.errors import MissingCensus, PriceRuleError
from pricing.models import (
    Banded,
    BasePlusPerPupil,
    Flat,
    PerPupil,
    PerUnit,
    PriceModel,
    PricingContext,
    build_model,
)

JAN25 = CensusRef(2025, 1)
CTX = PricingContext(pupils=412, census=JAN25)
D = Decimal


def half_up_pennies(value: Fraction) -> Fraction:
    """Independent reference rounding: half-up (away from zero) to 1/100 with Fractions."""
    sign = -1 if value < 0 else 1
    return Fraction(sign * int(abs(value) * 100 + Fraction(1, 2)), 100)


def two_places(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


# --- Flat ------------------------------------------------------------------------

def test_flat():
    model = Flat(D("1200"))
    assert model.annual(CTX) == D("1200.00")
    assert two_places(model.annual(CTX))
    assert model.explain(CTX) == "flat annual charge £1,200.00"
    assert model.needs_pupils is False
    # A flat price needs no census figure.
    assert model.annual(PricingContext()) == D("1200.00")


# --- PerPupil --------------------------------------------------------------------

def test_per_pupil_example():
    model = PerPupil(D("3.10"))
    assert model.annual(CTX) == D("1277.20")
    assert model.explain(CTX) == "412 pupils (January 2025 census) x £3.10 = £1,277.20"
    assert model.needs_pupils is True


def test_per_pupil_sub_penny_rate_rounds_half_up_once():
    ctx = PricingContext(pupils=1105, census=JAN25)
    model = PerPupil(D("3.565"))
    assert model.annual(ctx) == D("3939.33")  # 3939.325 -> 3939.33
    assert model.explain(ctx) == "1105 pupils (January 2025 census) x £3.565 = £3,939.33"


def test_per_pupil_minimum_applies():
    model = PerPupil(D("3.10"), minimum=D("1500"))
    assert model.annual(CTX) == D("1500.00")
    assert model.explain(CTX) == (
        "412 pupils (January 2025 census) x £3.10 = £1,277.20; minimum charge applies: £1,500.00"
    )


def test_per_pupil_maximum_applies():
    model = PerPupil(D("3.10"), maximum=D("1000"))
    assert model.annual(CTX) == D("1000.00")
    assert model.explain(CTX).endswith("= £1,277.20; maximum charge applies: £1,000.00")


def test_per_pupil_within_limits_is_not_clamped():
    model = PerPupil(D("3.10"), minimum=D("100"), maximum=D("5000"))
    assert model.annual(CTX) == D("1277.20")
    assert "charge applies" not in model.explain(CTX)


def test_explanation_without_census_and_singular():
    assert PerPupil(D("2")).explain(PricingContext(pupils=1)) == "1 pupil x £2.00 = £2.00"


@pytest.mark.parametrize(
    "model",
    [PerPupil(D("3.10")), Banded(parse_bands("0-100:1;101-:2")), BasePlusPerPupil(D("500"), D("1.20"))],
)
def test_pupil_models_never_price_a_missing_census_at_zero(model):
    with pytest.raises(MissingCensus) as info:
        model.annual(PricingContext(pupils=None, census=JAN25))
    assert str(info.value) == "no pupil figure for the January 2025 census"
    assert info.value.census_label == "January 2025"
    with pytest.raises(MissingCensus):
        model.explain(PricingContext(pupils=None, census=JAN25))


def test_zero_pupils_is_a_real_figure():
    assert PerPupil(D("3.10"), minimum=D("50")).annual(PricingContext(pupils=0)) == D("50.00")
    assert PerPupil(D("3.10")).annual(PricingContext(pupils=0)) == D("0.00")


rates = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
limits = st.one_of(st.none(), st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False, allow_infinity=False))


@given(rates, st.integers(min_value=0, max_value=5000), limits, limits)
def test_per_pupil_clamps_and_rounds_like_fractions(rate, pupils, minimum, maximum):
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    model = PerPupil(rate, minimum=minimum, maximum=maximum)
    result = model.annual(PricingContext(pupils=pupils))
    raw = Fraction(rate) * pupils
    if minimum is not None:
        raw = max(raw, Fraction(minimum))
    if maximum is not None:
        raw = min(raw, Fraction(maximum))
    assert Fraction(result) == half_up_pennies(raw)
    assert two_places(result)
    if minimum is not None:
        assert result >= minimum
    if maximum is not None:
        assert result <= maximum


@given(st.integers(min_value=0, max_value=5000))
def test_sub_penny_rate_matches_fraction(pupils):
    result = PerPupil(D("3.565")).annual(PricingContext(pupils=pupils))
    assert Fraction(result) == half_up_pennies(Fraction(3565, 1000) * pupils)


# --- Banded ----------------------------------------------------------------------

def test_banded_example():
    model = Banded(parse_bands("0-100:1200;101-250:1800;251-:2600"))
    assert model.annual(CTX) == D("2600.00")
    assert model.explain(CTX) == "412 pupils (January 2025 census): band 251+ : £2,600.00"
    assert model.annual(PricingContext(pupils=250)) == D("1800.00")
    assert model.annual(PricingContext(pupils=101)) == D("1800.00")


def test_banded_validates_its_table():
    with pytest.raises(PriceRuleError) as info:
        Banded(parse_bands("0-100:1;102-:2"))
    assert info.value.column == "bands"


# --- PerUnit ---------------------------------------------------------------------

def test_per_unit():
    model = PerUnit(D("45"), unit="device")
    ctx = PricingContext(quantity=D("3"))
    assert model.annual(ctx) == D("135.00")
    assert model.explain(ctx) == "3 devices x £45.00 = £135.00"


@pytest.mark.parametrize(
    ("unit", "quantity", "text"),
    [
        ("hour", D("2.50"), "2.5 hours x £60.00 = £150.00"),
        ("hour", D("1.00"), "1 hour x £60.00 = £60.00"),
        ("licence", D("10"), "10 licences x £60.00 = £600.00"),
        ("copy", D("2"), "2 copies x £60.00 = £120.00"),
        ("day", D("2"), "2 days x £60.00 = £120.00"),
        ("switch", D("2"), "2 switches x £60.00 = £120.00"),
        ("devices", D("2"), "2 devices x £60.00 = £120.00"),
        (None, D("0"), "0 units x £60.00 = £0.00"),
        ("hour", D("100"), "100 hours x £60.00 = £6,000.00"),
    ],
)
def test_per_unit_explanations(unit, quantity, text):
    assert PerUnit(D("60"), unit=unit).explain(PricingContext(quantity=quantity)) == text


def test_per_unit_uses_context_unit_when_model_has_none():
    assert PerUnit(D("5")).explain(PricingContext(quantity=D(2), unit="site")) == "2 sites x £5.00 = £10.00"


@given(rates, st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
def test_per_unit_matches_fraction(rate, quantity):
    result = PerUnit(rate).annual(PricingContext(quantity=quantity))
    assert Fraction(result) == half_up_pennies(Fraction(rate) * Fraction(quantity))
    assert two_places(result)


# --- BasePlusPerPupil ------------------------------------------------------------

def test_base_plus_per_pupil():
    model = BasePlusPerPupil(D("500"), D("1.20"))
    assert model.annual(CTX) == D("994.40")
    assert model.explain(CTX) == "base £500.00 + 412 pupils (January 2025 census) x £1.20 = £994.40"


def test_base_plus_per_pupil_clamped():
    model = BasePlusPerPupil(D("500"), D("1.20"), minimum=D("1000"), maximum=D("2000"))
    assert model.annual(CTX) == D("1000.00")
    assert model.explain(CTX).endswith("; minimum charge applies: £1,000.00")
    assert model.annual(PricingContext(pupils=2000)) == D("2000.00")


@given(
    st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False, allow_infinity=False),
    rates, st.integers(min_value=0, max_value=5000), limits, limits,
)
def test_base_plus_matches_fraction(amount, rate, pupils, minimum, maximum):
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    result = BasePlusPerPupil(amount, rate, minimum, maximum).annual(PricingContext(pupils=pupils))
    raw = Fraction(amount) + Fraction(rate) * pupils
    raw = max(raw, Fraction(minimum)) if minimum is not None else raw
    raw = min(raw, Fraction(maximum)) if maximum is not None else raw
    assert Fraction(result) == half_up_pennies(raw)
    assert two_places(result)


# --- every model -----------------------------------------------------------------

ALL_MODELS = [
    Flat(D("1200.005")),
    PerPupil(D("3.565"), minimum=D("10")),
    Banded(parse_bands("0-100:1200.1;101-:1800")),
    PerUnit(D("0.333"), "hour"),
    BasePlusPerPupil(D("500"), D("1.205")),
]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.name)
@given(pupils=st.integers(min_value=0, max_value=3000),
       quantity=st.decimals(min_value=0, max_value=500, places=3, allow_nan=False, allow_infinity=False))
def test_annual_is_always_a_two_place_decimal(model, pupils, quantity):
    result = model.annual(PricingContext(pupils=pupils, census=JAN25, quantity=quantity))
    assert type(result) is Decimal
    assert two_places(result)
    assert result >= 0


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.name)
def test_to_fields_round_trips(model):
    fields = model.to_fields()
    assert set(fields) == {"model", "amount", "rate", "minimum", "maximum", "bands", "unit"}
    assert all(v is None or isinstance(v, str) for v in fields.values())
    assert fields["model"] == model.name
    assert build_model(**fields) == model
    assert isinstance(model, PriceModel)


def test_models_are_immutable():
    with pytest.raises(AttributeError):
        Flat(D(1)).amount = D(2)  # type: ignore[misc]


# --- context ---------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "column"), [
    ({"pupils": -1}, "pupils"),
    ({"pupils": True}, "pupils"),
    ({"pupils": "12"}, "pupils"),
    ({"quantity": D("-1")}, "quantity"),
    ({"quantity": 1.5}, "quantity"),
    ({"quantity": "abc"}, "quantity"),
])
def test_context_refuses_bad_values(kwargs, column):
    with pytest.raises(PriceRuleError) as info:
        PricingContext(**kwargs)
    assert info.value.column == column


def test_context_quantity_becomes_decimal():
    assert PricingContext(quantity=3).quantity == D(3)
    assert PricingContext(quantity="2.5").quantity == D("2.5")


# --- build_model -----------------------------------------------------------------

def test_build_each_model_from_strings():
    assert build_model("flat", amount="1200") == Flat(D("1200"))
    assert build_model("per_pupil", rate="3.10", minimum="1500", maximum="") == PerPupil(D("3.10"), D("1500"))
    assert build_model("banded", bands="0-100:1200;101-:1800").annual(PricingContext(pupils=101)) == D("1800.00")
    assert build_model(" Per_Unit ", rate="£45", unit=" device ") == PerUnit(D("45"), "device")
    assert build_model("base_plus_per_pupil", amount="500", rate="1.20") == BasePlusPerPupil(D("500"), D("1.20"))
    assert build_model("flat", amount=D("5"), rate="", minimum=None) == Flat(D("5"))


def test_build_unknown_model():
    with pytest.raises(PriceRuleError) as info:
        build_model("tiered", amount="1")
    assert info.value.column == "model"
    assert info.value.reason == (
        "unknown price model 'tiered' (expected one of flat, per_pupil, banded, per_unit, base_plus_per_pupil)"
    )


def test_build_field_not_taken():
    with pytest.raises(PriceRuleError) as info:
        build_model("flat", amount="1200", rate="3")
    assert info.value.column == "rate"
    assert info.value.reason == "a flat price takes an amount, not a rate"
    assert str(info.value) == "rate: a flat price takes an amount, not a rate"


@pytest.mark.parametrize(("model", "fields", "column"), [
    ("flat", {"amount": "1", "bands": "0-:1"}, "bands"),
    ("flat", {"amount": "1", "unit": "hour"}, "unit"),
    ("flat", {"amount": "1", "minimum": "1"}, "minimum"),
    ("per_pupil", {"rate": "1", "amount": "5"}, "amount"),
    ("per_pupil", {"rate": "1", "unit": "device"}, "unit"),
    ("banded", {"bands": "0-:1", "rate": "1"}, "rate"),
    ("banded", {"bands": "0-:1", "maximum": "1"}, "maximum"),
    ("per_unit", {"rate": "1", "minimum": "1"}, "minimum"),
    ("per_unit", {"rate": "1", "bands": "0-:1"}, "bands"),
    ("base_plus_per_pupil", {"amount": "1", "rate": "1", "bands": "0-:1"}, "bands"),
])
def test_build_refuses_fields_the_model_does_not_take(model, fields, column):
    with pytest.raises(PriceRuleError) as info:
        build_model(model, **fields)
    assert info.value.column == column


@pytest.mark.parametrize(("model", "fields", "column"), [
    ("flat", {}, "amount"),
    ("flat", {"amount": "  "}, "amount"),
    ("per_pupil", {"minimum": "1"}, "rate"),
    ("banded", {}, "bands"),
    ("per_unit", {"unit": "hour"}, "rate"),
    ("base_plus_per_pupil", {"rate": "1"}, "amount"),
    ("base_plus_per_pupil", {"amount": "1"}, "rate"),
])
def test_build_refuses_missing_required(model, fields, column):
    with pytest.raises(PriceRuleError) as info:
        build_model(model, **fields)
    assert info.value.column == column
    assert "needs" in info.value.reason


@pytest.mark.parametrize(("model", "fields", "column"), [
    ("flat", {"amount": "-1"}, "amount"),
    ("flat", {"amount": "twelve"}, "amount"),
    ("flat", {"amount": 12.5}, "amount"),
    ("flat", {"amount": "NaN"}, "amount"),
    ("per_pupil", {"rate": "-0.01"}, "rate"),
    ("per_pupil", {"rate": "1", "minimum": "-5"}, "minimum"),
    ("per_pupil", {"rate": "1", "maximum": "lots"}, "maximum"),
    ("per_pupil", {"rate": "1", "minimum": "2000", "maximum": "1000"}, "minimum"),
    ("base_plus_per_pupil", {"amount": "1", "rate": "1", "minimum": "5", "maximum": "4"}, "minimum"),
    ("per_unit", {"rate": "abc"}, "rate"),
    ("banded", {"bands": "0-100:1;102-:2"}, "bands"),
    ("banded", {"bands": "0-100:x"}, "bands"),
])
def test_build_refuses_bad_values(model, fields, column):
    with pytest.raises(PriceRuleError) as info:
        build_model(model, **fields)
    assert info.value.column == column


def test_minimum_above_maximum_message():
    with pytest.raises(PriceRuleError) as info:
        build_model("per_pupil", rate="1", minimum="2000", maximum="1000")
    assert info.value.reason == "minimum £2,000.00 is above maximum £1,000.00"


def test_direct_construction_is_checked_too():
    with pytest.raises(PriceRuleError) as info:
        PerPupil(D("-1"))
    assert info.value.column == "rate"
    with pytest.raises(PriceRuleError) as info:
        Flat(1.5)  # type: ignore[arg-type]
    assert info.value.column == "amount"
