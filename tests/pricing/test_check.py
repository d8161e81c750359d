"""Pricing a school's services and comparing two years' price lists."""
import csv
import io
from decimal import Decimal

import pytest

from pricing.census import CensusRef
from pricing.check import PricedLine, compare_lists, price_line, price_services
from pricing.errors import MissingCensus, PriceRuleError
from pricing.models import PricingContext
from pricing.price_list import expand_customer_types, validate_price_list

D = Decimal
JAN25 = CensusRef(2025, 1)
HEADER = "service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code"


def price_list(body: str):
    return validate_price_list(list(csv.DictReader(io.StringIO(HEADER + "\n" + body))))


LIST_2025 = price_list("""\
SUPPORT,Technical support,maintained,per_pupil,,3.10,1500,,,,S
SUPPORT,Technical support,academy,per_pupil,,3.40,,,,,S
BROADBAND,Broadband,all,banded,,,,,0-100:1200;101-250:1800;251-:2600,,S
DEVICES,Device management,all,per_unit,,45,,,,device,S
MIS,MIS licence,maintained,flat,1200,,,,,,E
WEB,Website,all,base_plus_per_pupil,500,1.20,,,,,Z
""")
BY_KEY = expand_customer_types(LIST_2025)


def test_price_services_for_a_maintained_school():
    lines = price_services(BY_KEY, "maintained", 412, JAN25,
                           [("SUPPORT", D(1)), ("broadband", D(1)), ("DEVICES", D(3)), ("MIS", D(1)), ("WEB", D(1))])
    assert [(line.service_code, line.annual) for line in lines] == [
        ("SUPPORT", D("1500.00")),
        ("BROADBAND", D("2600.00")),
        ("DEVICES", D("135.00")),
        ("MIS", D("1200.00")),
        ("WEB", D("994.40")),
    ]
    assert lines[0].explanation == (
        "412 pupils (January 2025 census) x £3.10 = £1,277.20; minimum charge applies: £1,500.00"
    )
    assert lines[2] == PricedLine("DEVICES", "Device management", D(3), D("135.00"),
                                  "3 devices x £45.00 = £135.00", "S")
    assert lines[3].vat_code == "E"
    assert all(line.annual.as_tuple().exponent == -2 for line in lines)


def test_academy_prices_differ():
    (line,) = price_services(BY_KEY, "academy", 412, JAN25, [("SUPPORT", D(1))])
    assert line.annual == D("1400.80")


def test_no_price_for_customer_type():
    with pytest.raises(PriceRuleError) as info:
        price_services(BY_KEY, "academy", 412, JAN25, [("MIS", D(1))])
    assert info.value.column == "service_code"
    assert "no academy price for service MIS" in str(info.value)


def test_unknown_service():
    with pytest.raises(PriceRuleError):
        price_services(BY_KEY, "maintained", 412, JAN25, [("NOPE", D(1))])


def test_unknown_customer_type():
    with pytest.raises(PriceRuleError) as info:
        price_services(BY_KEY, "all", 412, JAN25, [("MIS", D(1))])
    assert info.value.column == "customer_type"


def test_missing_census_reported_not_priced_at_zero():
    with pytest.raises(MissingCensus) as info:
        price_services(BY_KEY, "maintained", None, JAN25, [("MIS", D(1)), ("SUPPORT", D(1))])
    assert str(info.value) == "no pupil figure for the January 2025 census"


def test_missing_census_does_not_matter_without_pupil_prices():
    lines = price_services(BY_KEY, "maintained", None, JAN25, [("MIS", D(1)), ("DEVICES", D(2))])
    assert [line.annual for line in lines] == [D("1200.00"), D("90.00")]


def test_quantity_other_than_one_refused_for_non_unit_prices():
    with pytest.raises(PriceRuleError) as info:
        price_line(BY_KEY[("MIS", "maintained")], PricingContext(quantity=D(2)))
    assert info.value.column == "quantity"


def test_price_line_direct():
    line = price_line(BY_KEY[("DEVICES", "academy")], PricingContext(quantity=D("0")))
    assert line.annual == D("0.00")
    assert line.explanation == "0 devices x £45.00 = £0.00"


def test_compare_lists():
    list_2026 = price_list("""\
SUPPORT,Technical support,all,per_pupil,,3.30,,,,,S
BROADBAND,Broadband,all,banded,,,,,0-100:1200;101-250:1900;251-:2600,,S
DEVICES,Device management,all,per_unit,,45,,,,device,S
NEW,New service,academy,flat,300,,,,,,S
WEB,Website,all,base_plus_per_pupil,500,1.20,,,,,Z
""")
    result = {(r.service_code, r.customer_type): r for r in compare_lists(LIST_2025, list_2026)}
    # Maintained support: old 250 x 3.10 = 775 -> minimum 1500; new 250 x 3.30 = 825.
    support = result[("SUPPORT", "maintained")]
    assert (support.old_example, support.new_example, support.percent_change) == (D("1500.00"), D("825.00"), D("-45.0"))
    academy = result[("SUPPORT", "academy")]
    assert (academy.old_example, academy.new_example, academy.percent_change) == (D("850.00"), D("825.00"), D("-2.9"))
    assert result[("BROADBAND", "academy")].percent_change == D("5.6")  # 1800 -> 1900 = 5.555...%
    assert result[("DEVICES", "academy")].percent_change == D("0.0")
    assert result[("WEB", "maintained")].old_example == D("800.00")
    assert result[("NEW", "academy")][2:] == (None, D("300.00"), None)
    assert result[("MIS", "maintained")][2:] == (D("1200.00"), None, None)
    keys = [(r.service_code, r.customer_type) for r in compare_lists(LIST_2025, list_2026)]
    assert keys == sorted(keys)


def test_compare_reference_pupils():
    (row,) = [r for r in compare_lists(LIST_2025, LIST_2025, reference_pupils=1000)
              if r[:2] == ("BROADBAND", "maintained")]
    assert row.old_example == D("2600.00")
    assert row.percent_change == D("0.0")


def test_compare_accepts_expanded_mappings():
    result = compare_lists(BY_KEY, BY_KEY)
    assert len(result) == len(BY_KEY)
    assert all(r.percent_change == D("0.0") for r in result)
