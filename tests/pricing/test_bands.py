"""Pupil bands: parsing, validation and which band a count falls in."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.bands import Band, band_for, format_bands, parse_bands, validate_bands
from pricing.errors import PriceRuleError

TABLE = "0-100:1200;101-250:1800;251-:2400"


def test_parse_example():
    assert parse_bands(TABLE) == (
        Band(0, 100, Decimal("1200")),
        Band(101, 250, Decimal("1800")),
        Band(251, None, Decimal("2400")),
    )


def test_parse_tolerates_spaces_plus_and_trailing_semicolon():
    assert parse_bands(" 0 - 100 : £1,200.50 ; 101+:2400; ") == (
        Band(0, 100, Decimal("1200.50")),
        Band(101, None, Decimal("2400")),
    )


def test_format_round_trips():
    assert format_bands(parse_bands(TABLE)) == TABLE


def test_labels():
    bands = parse_bands(TABLE)
    assert [b.label for b in bands] == ["0-100", "101-250", "251+"]


@pytest.mark.parametrize("text", ["", "  ", "0-100", "0-100:", "a-b:1", "0-100:abc", "0-100:1.5e3", "-5-10:1", ";"])
def test_parse_refuses_malformed(text):
    with pytest.raises(PriceRuleError) as info:
        parse_bands(text)
    assert info.value.column == "bands"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0-100:1;102-:2", "gap between 100 and 102"),
        ("0-120:1;101-250:2;251-:3", "101-250 overlaps 0-120"),
        ("1-100:1;101-:2", "must start at 0"),
        ("0-100:1;101-:2;300-:3", "only the last band may be open-ended"),
        ("0-100:1;101-:2;200-300:3", "only the last band may be open-ended"),
        ("0-100:-1;101-:2", "band 0-100 has a negative amount"),
        ("0-100:1;250-101:2", "band 250-101 ends below where it starts"),
        ("101-250:1;0-100:2", "must start at 0"),
        ("0-100:1;101-250:2;50-60:3", "50-60 comes after 101-250"),
    ],
)
def test_validate_refuses_with_band_named(text, message):
    with pytest.raises(PriceRuleError) as info:
        validate_bands(parse_bands(text))
    assert info.value.column == "bands"
    assert message in info.value.reason


def test_validate_refuses_empty():
    with pytest.raises(PriceRuleError):
        validate_bands(())


def test_band_for_boundaries():
    bands = validate_bands(parse_bands(TABLE))
    assert band_for(bands, 0).label == "0-100"
    assert band_for(bands, 100).label == "0-100"
    assert band_for(bands, 101).label == "101-250"
    assert band_for(bands, 250).label == "101-250"
    assert band_for(bands, 251).label == "251+"
    assert band_for(bands, 100_000).amount == Decimal("2400")


def test_band_for_refuses_count_above_closed_top():
    bands = validate_bands(parse_bands("0-100:1;101-250:2"))
    with pytest.raises(PriceRuleError) as info:
        band_for(bands, 251)
    assert info.value.column == "bands"
    assert "251 pupils is above the top band 101-250" in info.value.reason


@pytest.mark.parametrize("pupils", [-1, True, "12"])
def test_band_for_refuses_bad_counts(pupils):
    with pytest.raises(PriceRuleError) as info:
        band_for(parse_bands(TABLE), pupils)
    assert info.value.column == "pupils"


@st.composite
def band_tables(draw):
    """Random valid tables: contiguous widths from 0, maybe an open top."""
    widths = draw(st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=8))
    open_top = draw(st.booleans())
    amounts = draw(st.lists(
        st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
        min_size=len(widths) + 1, max_size=len(widths) + 1))
    bands, low = [], 0
    for width, amount in zip(widths, amounts):
        bands.append(Band(low, low + width - 1, amount))
        low += width
    if open_top:
        bands.append(Band(low, None, amounts[-1]))
    return tuple(bands)


@given(band_tables(), st.data())
def test_every_count_in_exactly_one_band(bands, data):
    validate_bands(bands)
    top = bands[-1].high if bands[-1].high is not None else bands[-1].low + 1000
    # Boundaries, their neighbours and a random count are all covered exactly once.
    counts = {b.low for b in bands} | {b.high for b in bands if b.high is not None}
    counts |= {c + 1 for c in counts if c + 1 <= top} | {c - 1 for c in counts if c > 0}
    counts.add(data.draw(st.integers(min_value=0, max_value=top)))
    for pupils in counts:
        holding = [b for b in bands if b.contains(pupils)]
        assert len(holding) == 1
        assert band_for(bands, pupils) == holding[0]


@given(band_tables())
def test_closed_top_refuses_beyond(bands):
    if bands[-1].high is None:
        assert band_for(bands, bands[-1].low + 10_000) == bands[-1]
    else:
        with pytest.raises(PriceRuleError):
            band_for(bands, bands[-1].high + 1)


@given(band_tables())
def test_format_parse_round_trip(bands):
    assert parse_bands(format_bands(bands)) == bands


@given(band_tables(), st.integers(min_value=1, max_value=7), st.sampled_from([-2, -1, 1, 2]))
def test_moving_a_boundary_is_refused(bands, index, shift):
    if index >= len(bands):
        return
    moved = list(bands)
    band = moved[index]
    new_low = band.low + shift
    if (band.high is not None and new_low > band.high) or new_low <= bands[index - 1].low:
        return  # a different fault (empty band, out of order), tested separately
    moved[index] = Band(new_low, band.high, band.amount)
    with pytest.raises(PriceRuleError) as info:
        validate_bands(moved)
    expected = "overlaps" if shift < 0 else "gap between"
    assert expected in info.value.reason
