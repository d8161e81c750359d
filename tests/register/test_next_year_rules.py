"""register/census.py: whose census figure prices a school that has none, the words, closures and
the one successor a closed school's agreement and offer follow (issue #28, "Next year")."""
from __future__ import annotations

from datetime import date

from pricing.census import CensusRef
from pricing.models import PerPupil, PricingContext
from register.census import census_choice, census_words, is_closed_by, sole_successor

JAN = CensusRef(2026, 1)
CONVERSION = [(990003, 150003, "Successor"), (150003, 990003, "Predecessor")]


def test_own_figure_wins_over_a_predecessor():
    assert census_choice(150003, 300, {990003: 412}, CONVERSION, JAN).pupils == 300


def test_a_converter_takes_its_predecessors_figure_named_by_urn():
    chosen = census_choice(150003, None, {990003: 412}, CONVERSION, JAN)
    assert (chosen.pupils, chosen.as_urn) == (412, 990003)
    # Read from either end of the link: one row is enough.
    assert census_choice(150003, None, {990003: 412}, CONVERSION[:1], JAN).pupils == 412
    assert census_choice(150003, None, {990003: 412}, CONVERSION[1:], JAN).pupils == 412


def test_several_predecessors_leave_the_figure_missing_rather_than_guess():
    links = CONVERSION + [(150003, 990004, "Predecessor")]
    chosen = census_choice(150003, None, {990003: 412, 990004: 200}, links, JAN)
    assert chosen.pupils is None and chosen.as_urn is None
    assert "several predecessors (990003, 990004)" in chosen.problem


def test_a_merged_or_split_predecessor_is_not_this_schools_figure():
    for link_type in ("Predecessor - merged", "Predecessor - Split School", "Predecessor - amalgamated"):
        chosen = census_choice(150003, None, {990003: 412}, [(150003, 990003, link_type)], JAN)
        assert chosen.pupils is None and "990003" in chosen.problem, link_type


def test_no_predecessor_or_no_figure_is_missing():
    assert census_choice(150003, None, {}, [], JAN).pupils is None
    chosen = census_choice(150003, None, {}, CONVERSION, JAN)
    assert chosen.pupils is None and "predecessor URN 990003" in chosen.problem
    # Not a succession: a sixth-form link never lends a figure.
    assert census_choice(150003, None, {990003: 412}, [(150003, 990003, "Sixth Form Centre Link")], JAN).pupils is None


def test_the_explanation_says_whose_figure_it_is():
    assert census_words(JAN) == "January 2026 census"
    assert census_words(JAN, [990003]) == "January 2026 census, as URN 990003"
    ctx = PricingContext(pupils=412, census=JAN, census_text=census_words(JAN, [990003]))
    assert PerPupil(rate="3.10").explain(ctx).startswith("412 pupils (January 2026 census, as URN 990003) x £3.10")
    assert PricingContext(pupils=412, census=JAN).pupils_text() == "412 pupils (January 2026 census)"


def test_closed_means_gias_says_closed_before_the_day():
    day = date(2027, 4, 1)
    assert is_closed_by("Closed", date(2026, 11, 30), day)
    assert is_closed_by("Closed", None, day)
    assert not is_closed_by("Closed", date(2027, 8, 31), day)
    assert not is_closed_by("Open, but proposed to close", date(2026, 11, 30), day)
    assert not is_closed_by("Open", None, day)


def test_a_closed_school_follows_only_a_one_to_one_successor():
    assert sole_successor(990003, CONVERSION) == (150003, "")
    split = CONVERSION + [(990003, 150004, "Successor - Split School")]
    assert sole_successor(990003, split)[0] is None and "several successors" in sole_successor(990003, split)[1]
    amalgamated = CONVERSION + [(150003, 990004, "Predecessor - amalgamated")]
    assert sole_successor(990003, amalgamated)[0] is None
    assert "other predecessors too (990004)" in sole_successor(990003, amalgamated)[1]
    assert sole_successor(990003, [])[0] is None
