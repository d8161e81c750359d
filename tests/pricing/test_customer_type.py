"""Which customer type a school is from its GIAS type name (SLA §3, DESIGN "maintained")."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.customer_type import MAINTAINED_ESTABLISHMENT_TYPES, derive_customer_type, is_maintained_type

HOME = 141

# Every name GIAS (and EduBase before it) has given the LA-maintained types, as extracts spell them.
GIAS_MAINTAINED_NAMES = [
    "Community school", "Community School",
    "Voluntary aided school", "Voluntary Aided School",
    "Voluntary controlled school", "Voluntary Controlled School",
    "Foundation school", "Foundation School",
    "Community special school", "Community Special School",
    "Foundation special school", "Foundation Special School",
    "Local authority nursery school", "Local Authority Nursery School",
    "LA nursery school", "LA Nursery School",
    "Pupil referral unit", "Pupil Referral Unit",
]
NOT_MAINTAINED = [
    "Academy converter", "Academy sponsor led", "Free schools", "Free school special",
    "Academy special converter", "Academy alternative provision converter", "Studio schools",
    "University technical college", "City technology college", "Other independent school",
    "Other independent special school", "Non-maintained special school", "Further education",
    "Sixth form centres", "Special post 16 institution", "Welsh establishment", "Secure units",
    "Service children's education", "Miscellaneous", "", "Community", "School",
]


@pytest.mark.parametrize("name", GIAS_MAINTAINED_NAMES)
def test_every_gias_name_for_a_maintained_type_is_maintained_in_the_home_la(name):
    assert derive_customer_type(name, HOME, HOME) == "maintained"
    assert derive_customer_type(name, 937, HOME) == "academy"  # §3: maintained by another LA


@pytest.mark.parametrize("name", NOT_MAINTAINED)
def test_other_types_are_treated_as_academies(name):
    assert derive_customer_type(name, HOME, HOME) == "academy"


def _spellings(name: str):
    """The same name as an extract might spell it: any letter case, stray and doubled spaces."""
    return st.lists(st.booleans(), min_size=len(name), max_size=len(name)).flatmap(
        lambda upper: st.tuples(st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ", " \u00a0"]),
                                st.sampled_from([" ", "  "])).map(
            lambda pad: pad[0] + "".join(c.upper() if u else c.lower() for c, u in zip(name, upper))
            .replace(" ", pad[2]) + pad[1]))


@given(st.sampled_from(GIAS_MAINTAINED_NAMES).flatmap(_spellings))
def test_property_any_case_and_spacing_of_a_maintained_name_is_maintained(spelt):
    assert is_maintained_type(spelt)
    assert derive_customer_type(spelt, HOME, HOME) == "maintained"


@given(st.text(max_size=40))
def test_property_a_name_is_maintained_only_if_it_is_one_of_the_maintained_types(text):
    if is_maintained_type(text):
        words = " ".join(text.replace("\u00a0", " ").split()).lower()
        assert words in MAINTAINED_ESTABLISHMENT_TYPES
    else:
        assert derive_customer_type(text, HOME, HOME) == "academy"
