"""Census labels and which census prices an SLA year (SLA §2.6, change notice 1.2)."""
import pytest

from pricing.census import CensusRef, census_for_year, parse_census_label
from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear


def test_parse_january():
    ref = parse_census_label("2025-01")
    assert (ref.year, ref.month) == (2025, 1)
    assert ref.label == "2025-01"
    assert ref.description == "January 2025"


def test_parse_october():
    ref = parse_census_label("2024-10")
    assert ref == CensusRef(2024, 10)
    assert ref.description == "October 2024"
    assert str(ref) == "2024-10"


@pytest.mark.parametrize("label", ["2025-1", "2025-02", "2025-05", "2025-13", "25-01", "2025/01", "January 2025", "", "2025-01-01"])
def test_parse_refuses(label):
    with pytest.raises(PriceRuleError) as info:
        parse_census_label(label)
    assert info.value.column == "census"


def test_census_ref_refuses_other_months():
    with pytest.raises(PriceRuleError) as info:
        CensusRef(2025, 5)
    assert info.value.column == "census"


def test_default_is_january_before_the_year():
    assert census_for_year(SlaYear(2025)) == CensusRef(2025, 1)
    assert census_for_year(SlaYear(2025), "january").label == "2025-01"


def test_october_basis_is_the_preceding_october():
    assert census_for_year(SlaYear(2025), "october").label == "2024-10"
    assert census_for_year(SlaYear(2025), " October ").label == "2024-10"


def test_chosen_census_is_before_the_year_starts():
    for basis in ("january", "october"):
        ref = census_for_year(SlaYear(2025), basis)
        assert (ref.year, ref.month) < (2025, 4)


def test_unknown_basis_refused():
    with pytest.raises(PriceRuleError) as info:
        census_for_year(SlaYear(2025), "summer")
    assert info.value.column == "census_basis"


def test_census_refs_order_chronologically():
    assert CensusRef(2024, 10) < CensusRef(2025, 1) < CensusRef(2025, 10)


def test_a_census_figure_is_a_whole_number_of_pupils_from_1():
    from pricing.census import check_census_pupils

    assert check_census_pupils(1) == 1 and check_census_pupils(100_000) == 100_000
    for bad, reason in [(0, "0 pupils is not a census figure: a school on the census has at least 1 pupil"),
                        (-3, "-3 is less than 1"), (100_001, "100001 is more than 100,000 pupils"),
                        (True, "pupils must be a whole number from 1 to 100,000, not True"),
                        ("60", "pupils must be a whole number from 1 to 100,000, not '60'")]:
        with pytest.raises(PriceRuleError) as info:
            check_census_pupils(bad)
        assert (info.value.column, info.value.reason) == ("pupils", reason)
