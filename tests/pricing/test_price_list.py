"""The price list CSV (DESIGN §4): rows, whole-list validation and customer-type expansion."""
import csv
import io
from decimal import Decimal

import pytest

from pricing.errors import PriceRuleError, PricingError
from pricing.models import Banded, Flat, PerPupil, PerUnit, PricingContext
from pricing.price_list import (
    REQUIRED_COLUMNS,
    PriceListProblem,
    PriceListRefused,
    PriceRow,
    expand_customer_types,
    parse_price_row,
    validate_price_list,
)

HEADER = "service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code"
GOOD = """\
service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code
SUPPORT,Technical support,maintained,per_pupil,,3.10,1500,,,,S
SUPPORT,Technical support,academy,per_pupil,,3.40,1600,,,,S
BROADBAND,Broadband,all,banded,,,,,0-100:1200;101-250:1800;251-:2400,,S
DEVICES,Device management,all,per_unit,,45,,,,device,S
MIS,MIS licence,maintained,flat,1200,,,,,,E
ADHOC,Ad hoc work,all,per_unit,,60,,,,hour,S
"""


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def raw(**overrides) -> dict:
    base = dict.fromkeys(REQUIRED_COLUMNS, "")
    base.update(service_code="SUPPORT", title="Support", customer_type="maintained",
                model="flat", amount="100", vat_code="S")
    base.update(overrides)
    return base


def test_required_columns_match_design():
    assert ",".join(REQUIRED_COLUMNS) == HEADER


def test_valid_list():
    rows = validate_price_list(rows_of(GOOD))
    assert len(rows) == 6
    assert rows[0] == PriceRow("SUPPORT", "Technical support", "maintained",
                               PerPupil(Decimal("3.10"), minimum=Decimal("1500")), "S")
    assert isinstance(rows[2].model, Banded)
    assert rows[4].model == Flat(Decimal("1200"))
    assert rows[5].model == PerUnit(Decimal("60"), "hour")


def test_parse_row_normalises():
    row = parse_price_row(raw(service_code=" sup-01 ", customer_type=" Academy ", vat_code="z", title=" Support "))
    assert (row.service_code, row.customer_type, row.vat_code, row.title) == ("SUP-01", "academy", "Z", "Support")


@pytest.mark.parametrize(("overrides", "column"), [
    ({"service_code": ""}, "service_code"),
    ({"service_code": "SUP PORT"}, "service_code"),
    ({"service_code": "SUP.1"}, "service_code"),
    ({"title": " "}, "title"),
    ({"customer_type": "free_school"}, "customer_type"),
    ({"customer_type": ""}, "customer_type"),
    ({"vat_code": "X"}, "vat_code"),
    ({"vat_code": ""}, "vat_code"),
    ({"model": "tiered"}, "model"),
    ({"model": ""}, "model"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"rate": "3"}, "rate"),
    ({"model": "per_pupil", "amount": "", "rate": "1", "minimum": "9", "maximum": "5"}, "minimum"),
    ({"model": "banded", "amount": "", "bands": "0-100:1;102-:2"}, "bands"),
    ({"service_code": "ADHOC", "model": "flat"}, "model"),
    ({"service_code": "adhoc", "model": "per_unit", "amount": "", "rate": "60", "unit": "day"}, "unit"),
])
def test_parse_row_refuses_with_column(overrides, column):
    with pytest.raises(PriceRuleError) as info:
        parse_price_row(raw(**overrides))
    assert info.value.column == column


def test_adhoc_row_defaults_to_hours():
    row = parse_price_row(raw(service_code="ADHOC", model="per_unit", amount="", rate="60"))
    assert row.model == PerUnit(Decimal("60"), "hour")
    assert row.model.explain(PricingContext(quantity=Decimal(2))) == "2 hours x £60.00 = £120.00"


def test_parse_row_tolerates_missing_cells():
    cells = raw()
    cells["unit"] = None  # csv.DictReader gives None for a short row
    assert parse_price_row(cells).model == Flat(Decimal("100"))


def test_header_missing_columns_named():
    text = "service_code,title,customer_type,model,amount,rate,minimum,maximum,vat_code\nA,A,all,flat,1,,,,S\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    problems = info.value.problems
    assert [(p.row, p.column) for p in problems] == [(1, "bands"), (1, "unit")]
    assert "row 1, column bands: column missing from the header" in str(info.value)


def test_header_given_explicitly_for_an_empty_file():
    with pytest.raises(PriceListRefused) as info:
        validate_price_list([], header=HEADER.split(","))
    assert info.value.problems == [PriceListProblem(1, None, "the price list has no rows")]


def test_all_problems_collected_with_spreadsheet_row_numbers():
    text = HEADER + "\n" + "\n".join([
        "SUPPORT,Support,maintained,flat,100,,,,,,S",      # row 2 fine
        "BROADBAND,Broadband,all,banded,,,,,0-100:1200;102-:2400,,S",  # row 3 gap
        "X Y,,nobody,flat,1,,,,,,Q",                        # row 4: four problems
        "ADHOC,Ad hoc,all,flat,60,,,,,,S",                  # row 5 model
    ]) + "\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [
        (3, "bands"),
        (4, "service_code"), (4, "title"), (4, "customer_type"), (4, "vat_code"),
        (5, "model"),
    ]
    assert str(info.value.problems[0]) == "row 3, column bands: gap between 100 and 102"
    assert "row 3, column bands: gap between 100 and 102" in str(info.value)
    assert isinstance(info.value, PricingError)


def test_duplicate_service_and_customer_type():
    text = HEADER + "\nA,A,academy,flat,1,,,,,,S\nB,B,all,flat,1,,,,,,S\na,A again,academy,flat,2,,,,,,S\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (4, "customer_type")
    assert "row 2" in problem.reason


@pytest.mark.parametrize("order", [("all", "maintained"), ("academy", "all")])
def test_all_plus_specific_is_a_duplicate(order):
    text = HEADER + "".join(f"\nA,A,{ct},flat,1,,,,,,S" for ct in order) + "\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    (problem,) = info.value.problems
    assert problem.row == 3
    assert f"a {order[0]} price at row 2" in problem.reason


def test_duplicates_found_even_when_other_cells_are_bad():
    text = HEADER + "\nA,A,all,flat,1,,,,,,S\nA,A,all,flat,oops,,,,,,S\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "amount"), (3, "customer_type")]


def test_too_many_cells_reported():
    text = HEADER + "\nA,A,all,flat,1,,,,,,S,extra\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    assert info.value.problems == [PriceListProblem(2, None, "row has more cells than the header")]


def test_blank_rows_skipped():
    rows = validate_price_list(rows_of(HEADER + "\nA,A,all,flat,1,,,,,,S\n,,,,,,,,,,\n"))
    assert len(rows) == 1


def test_refusal_lists_at_most_twenty():
    text = HEADER + "".join(f"\nA{i},A,all,flat,-1,,,,,,S" for i in range(25)) + "\n"
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows_of(text))
    message = str(info.value)
    assert len(info.value.problems) == 25
    assert "row 21, column amount" in message
    assert "row 22, column amount" not in message
    assert "... and 5 more" in message
    assert message.splitlines()[0] == "price list refused: 25 problems"


def test_expand_customer_types():
    mapping = expand_customer_types(validate_price_list(rows_of(GOOD)))
    assert mapping[("BROADBAND", "maintained")] is mapping[("BROADBAND", "academy")]
    assert mapping[("SUPPORT", "academy")].model.rate == Decimal("3.40")
    assert ("MIS", "academy") not in mapping
    assert {ct for _, ct in mapping} == {"maintained", "academy"}
    assert len(mapping) == 9  # 2+2+2+1 (MIS maintained only)+2


def test_expand_refuses_clashes():
    row = parse_price_row(raw(customer_type="all"))
    with pytest.raises(PriceRuleError):
        expand_customer_types([row, parse_price_row(raw())])


# -- issue 15 item 11: the unit is a label ----------------------------------------------------

@pytest.mark.parametrize("unit", ["pupil", "pupils", "Pupils", " PUPIL ", "per pupil"])
@pytest.mark.parametrize("cells", [
    {"model": "per_pupil", "amount": "", "rate": "3.10"},
    {"model": "base_plus_per_pupil", "amount": "620", "rate": "1.15"},
    {"model": "banded", "amount": "", "bands": "0-100:1200;101-:2400"},
])
def test_a_pupil_unit_on_a_pupil_based_row_is_a_label(cells, unit):
    row = parse_price_row(raw(**cells, unit=unit))
    assert row.model.to_fields()["unit"] == "pupil"
    ctx = PricingContext(pupils=412)
    assert row.model.explain(ctx).count("412 pupils") == 1


def test_the_pupil_unit_is_used_in_the_explanation_and_the_terms():
    from pricing.describe import describe_terms
    row = parse_price_row(raw(model="per_pupil", amount="", rate="3.10", unit="pupils"))
    assert row.model.explain(PricingContext(pupils=1)) == "1 pupil x £3.10 = £3.10"
    assert row.model.explain(PricingContext(pupils=412)) == "412 pupils x £3.10 = £1,277.20"
    assert describe_terms(row.model) == "£3.10 per pupil"
    assert row.model.annual(PricingContext(pupils=412)) == Decimal("1277.20")


@pytest.mark.parametrize(("cells", "reason"), [
    ({"model": "per_pupil", "amount": "", "rate": "3.10", "unit": "device"},
     "a per-pupil price is charged per census pupil, so its unit can only be 'pupil', not 'device'"),
    ({"model": "base_plus_per_pupil", "amount": "620", "rate": "1.15", "unit": "hour"},
     "a base-plus-per-pupil price is charged per census pupil, so its unit can only be 'pupil', not 'hour'"),
    ({"model": "banded", "amount": "", "bands": "0-:1", "unit": "site"},
     "a banded price is charged per census pupil, so its unit can only be 'pupil', not 'site'"),
])
def test_a_unit_that_contradicts_a_pupil_model_is_refused_with_row_and_column(cells, reason):
    text = HEADER + "\n" + "MIS,MIS,all,flat,100,,,,,,S\n"
    rows = rows_of(text) + [raw(service_code="SUPPORT", **cells)]
    with pytest.raises(PriceListRefused) as info:
        validate_price_list(rows)
    assert info.value.problems == [PriceListProblem(3, "unit", reason)]
    assert f"row 3, column unit: {reason}" in str(info.value)
