"""Next year's prices from this year's (issue #30): every money field x (1 + u), half-up to the penny."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.bands import Band
from pricing.errors import PriceRuleError
from pricing.models import Banded, BasePlusPerPupil, Flat, PerPupil, PerUnit
from pricing.price_list import PriceRow
from pricing.uplift import (
    Uplift,
    parse_overrides,
    parse_percent,
    raise_amount,
    uplift_model,
    uplift_rows,
)

PENNY = Decimal("0.01")
money = st.decimals(min_value=0, max_value=100_000, places=2)
rates = st.decimals(min_value=0, max_value=1_000, places=4)
percents = st.decimals(min_value=-50, max_value=100, places=2)


def expected(old: Decimal, percent: Decimal) -> Decimal:
    # Written out here rather than through round_money so the test checks the rule, not itself.
    return (old * (Decimal(1) + percent / Decimal(100))).quantize(PENNY, rounding=ROUND_HALF_UP)


def test_half_a_penny_rounds_up():
    assert raise_amount(Decimal("1.00"), Decimal("0.5")) == Decimal("1.01")  # 1.005
    assert raise_amount(Decimal(780), Decimal("3.5")) == Decimal("807.30")
    assert raise_amount(Decimal("3.565"), Decimal("3.5")) == Decimal("3.69")  # 3.689775


@given(amount=money, rate=rates, low=money, extra=money, percent=percents)
def test_every_field_is_old_times_one_plus_u_to_the_penny(amount, rate, low, extra, percent):
    model = BasePlusPerPupil(amount=amount, rate=rate, minimum=low, maximum=low + extra)
    new = uplift_model(model, percent)
    assert isinstance(new, BasePlusPerPupil)
    for column in ("amount", "rate", "minimum", "maximum"):
        assert getattr(new, column) == expected(getattr(model, column), percent), column
    assert new.minimum <= new.maximum  # an uplift keeps the limits in order


@given(amounts=st.lists(money, min_size=1, max_size=5), percent=percents)
def test_band_amounts_rise_and_pupil_ranges_stay(amounts, percent):
    bands = tuple(Band(i * 100, None if i == len(amounts) - 1 else i * 100 + 99, a) for i, a in enumerate(amounts))
    new = uplift_model(Banded(bands=bands), percent)
    assert [(b.low, b.high) for b in new.bands] == [(b.low, b.high) for b in bands]
    assert [b.amount for b in new.bands] == [expected(a, percent) for a in amounts]


@given(flat=money, rate=rates, percent=percents, other=percents)
def test_overrides_are_respected_per_service_code(flat, rate, percent, other):
    rows = [PriceRow("EMAIL", "Email", "all", Flat(amount=flat), "S"),
            PriceRow("SIMS-SUPPORT", "SIMS", "maintained", PerPupil(rate=rate, unit="pupil"), "S"),
            PriceRow("ADHOC", "Ad hoc", "all", PerUnit(rate=rate, unit="hour"), "S")]
    new = uplift_rows(rows, Uplift(percent, {"SIMS-SUPPORT": other}))
    assert new[0].model.amount == expected(flat, percent)
    assert new[1].model.rate == expected(rate, other)
    assert new[2].model.rate == expected(rate, percent)
    assert [(r.service_code, r.title, r.customer_type, r.vat_code, r.model.name) for r in new] == \
        [(r.service_code, r.title, r.customer_type, r.vat_code, r.model.name) for r in rows]
    assert new[1].model.unit == "pupil" and new[2].model.unit == "hour"


def test_uplift_zero_keeps_penny_prices():
    model = PerPupil(rate=Decimal("3.10"), minimum=Decimal(950), maximum=Decimal(4200))
    assert uplift_model(model, Decimal(0)) == model


@pytest.mark.parametrize("text, message", [
    ("abc", "uplift 'abc' is not a number"), ("", "is not a number"), ("101", "out of range"),
    ("-50.01", "out of range"), ("1e3", "not a number"), ("nan", "not a number"),
])
def test_a_bad_percentage_is_refused_naming_it(text, message):
    with pytest.raises(PriceRuleError, match=message):
        parse_percent(text)


def test_percent_accepts_a_percent_sign_and_the_range_ends():
    assert parse_percent(" 3.5% ") == Decimal("3.5")
    assert parse_percent("-50") == Decimal(-50) and parse_percent("100") == Decimal(100)


def test_overrides_parse_and_refuse_clearly():
    assert parse_overrides(["sims-support=0", " ", "EMAIL = 2.5"]) == {"SIMS-SUPPORT": 0, "EMAIL": Decimal("2.5")}
    with pytest.raises(PriceRuleError, match="should be CODE=PERCENT"):
        parse_overrides(["SIMS-SUPPORT"])
    with pytest.raises(PriceRuleError, match="override EMAIL 'x' is not a number"):
        parse_overrides(["EMAIL=x"])
    with pytest.raises(PriceRuleError, match="given twice"):
        parse_overrides(["EMAIL=1", "email=2"])
    assert Uplift(Decimal(1), {"NOPE": Decimal(0), "EMAIL": Decimal(0)}).unknown_codes(["EMAIL"]) == ["NOPE"]
