"""pricing.group: a group's line is its members' prices added up exactly (issue #29, §2.1)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from pricing.check import PricedLine
from pricing.group import group_line

pennies = st.integers(min_value=0, max_value=10_000_000).map(lambda p: Decimal(p) / 100)


def _line(annual: Decimal, vat: str = "S") -> PricedLine:
    return PricedLine("SIMS", "SIMS support", Decimal(1), annual, f"£{annual}", vat)


@given(st.lists(pennies, min_size=1, max_size=30))
def test_the_group_pays_exactly_what_its_members_would(prices):
    line = group_line([(f"School {i}", _line(p)) for i, p in enumerate(prices)])
    assert line.annual == sum(prices, Decimal(0))
    assert line.annual.as_tuple().exponent == -2
    assert all(f"School {i}: " in line.explanation for i in range(len(prices)))


def test_one_member_is_explained_as_itself():
    assert group_line([("Solo School", _line(Decimal("950.00")))]).explanation == "Solo School: £950.00"


def test_members_with_different_vat_codes_are_refused():
    with pytest.raises(ValueError, match="VAT codes differ"):
        group_line([("A", _line(Decimal(1), "S")), ("B", _line(Decimal(1), "Z"))])
    with pytest.raises(ValueError, match="at least one member"):
        group_line([])
