"""The price check: any school against any year's list, line by line with explanations,
as agreements and invoices will price it."""
from __future__ import annotations

from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from contracts_app.extensions import db
from contracts_app.models import CensusFigure
from contracts_app.services import price_lists
from contracts_app.services.price_check import price_school

DATA = Path(__file__).resolve().parent.parent / "data"


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def priced(app, make_school):
    """The 2024-25 and 2025-26 lists published, two schools with census figures."""
    allesley = make_school(urn=103700, name="Allesley Primary School")
    newman = make_school(urn=140001, name="Cardinal Newman Academy", establishment_type="Academy converter")
    make_school(urn=103702, name="Canley Vale Primary School")
    run(app, "census", "import", str(DATA / "census_2025.csv"))
    db.session.add(CensusFigure(school=allesley, census="2024-01", pupils=398))
    db.session.commit()
    for year in (2024, 2025):
        run(app, "prices", "import", str(DATA / f"prices_{year}.csv"), "--year", str(year))
        run(app, "prices", "publish", "--year", str(year))
    return {"allesley": allesley, "newman": newman}


def lines(check):
    return [(line.service_code, line.annual, line.explanation, line.vat_code) for line in check.lines]


def test_a_maintained_school_priced_line_by_line(priced):
    check = price_school(priced["allesley"], price_lists.published(2025), [
        ("SIMS-SUPPORT", Decimal(1)), ("ADMIN-SUPPORT", Decimal(1)), ("ISP", Decimal(1)),
        ("ANTIVIRUS", Decimal(30)), ("EMAIL", Decimal(1)), ("DPO", Decimal(1))])
    assert check.complete and check.pupils == 412
    assert lines(check) == [
        ("SIMS-SUPPORT", Decimal("1277.20"), "412 pupils (January 2025 census) x £3.10 = £1,277.20", "S"),
        ("ADMIN-SUPPORT", Decimal("2520.00"), "412 pupils (January 2025 census): band 251-500 : £2,520.00", "S"),
        ("ISP", Decimal("1093.80"), "base £620.00 + 412 pupils (January 2025 census) x £1.15 = £1,093.80", "S"),
        ("ANTIVIRUS", Decimal("142.50"), "30 devices x £4.75 = £142.50", "S"),
        ("EMAIL", Decimal("780.00"), "flat annual charge £780.00", "S"),
        ("DPO", Decimal("1450.00"), "412 pupils (January 2025 census): band 301+ : £1,450.00", "E"),
    ]
    assert check.total == Decimal("7263.50")


def test_an_academy_gets_the_academy_prices(priced):
    check = price_school(priced["newman"], price_lists.published(2025), [
        ("SIMS-SUPPORT", Decimal(1)), ("ADMIN-SUPPORT", Decimal(1)), ("EMAIL", Decimal(1)), ("ISP", Decimal(1))])
    assert lines(check) == [
        ("SIMS-SUPPORT", Decimal("3575.70"), "1003 pupils (January 2025 census) x £3.565 = £3,575.70", "S"),
        ("ADMIN-SUPPORT", Decimal("3920.00"), "1003 pupils (January 2025 census): band 501+ : £3,920.00", "S"),
        ("EMAIL", Decimal("920.00"), "flat annual charge £920.00", "S"),
        ("ISP", Decimal("1773.45"), "base £620.00 + 1003 pupils (January 2025 census) x £1.15 = £1,773.45", "S"),
    ]


def test_minimum_and_maximum_charges_are_explained(priced, make_school):
    big = make_school(urn=103710, name="Big Primary School")
    db.session.add(CensusFigure(school=big, census="2025-01", pupils=1500))
    db.session.commit()
    check = price_school(big, price_lists.published(2025), [("SIMS-SUPPORT", Decimal(1))])
    assert lines(check) == [("SIMS-SUPPORT", Decimal("4200.00"),
                             "1500 pupils (January 2025 census) x £3.10 = £4,650.00; "
                             "maximum charge applies: £4,200.00", "S")]


def test_the_same_school_against_last_years_list_uses_last_years_census(priced):
    check = price_school(priced["allesley"], price_lists.published(2024), [("SIMS-SUPPORT", Decimal(1))])
    assert check.census.label == "2024-01" and check.pupils == 398
    assert lines(check) == [("SIMS-SUPPORT", Decimal("1186.04"),
                             "398 pupils (January 2024 census) x £2.98 = £1,186.04", "S")]


def test_lines_that_cannot_be_priced_are_reported_not_guessed(priced):
    check = price_school(priced["allesley"], price_lists.published(2025), [
        ("EMAIL", Decimal(2)), ("TELEPHONY", Decimal(1)), ("ANTIVIRUS", Decimal(12))])
    assert [(p.service_code, p.reason) for p in check.problems] == [
        ("EMAIL", "quantity: EMAIL has a flat price, so its quantity must be 1, not 2"),
        ("TELEPHONY", "no maintained price for TELEPHONY in 2025-26 price list v1"),
    ]
    assert lines(check) == [("ANTIVIRUS", Decimal("57.00"), "12 devices x £4.75 = £57.00", "S")]
    assert not check.complete


def test_price_check_page(app, client, login, priced):
    login("finance")
    response = client.get("/prices/check?urn=103700&year=2025&service=SIMS-SUPPORT&service=ANTIVIRUS"
                          "&qty-ANTIVIRUS=30&service=EMAIL&qty-EMAIL=2")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    result = html[html.index('id="price-check-result"'):]
    assert "Allesley Primary School · Maintained school · 2025-26 price list v1 (published)" in result
    assert "Pupils: 412 (January 2025 census)" in result
    assert "<td>412 pupils (January 2025 census) x £3.10 = £1,277.20</td><td class=\"num\">£1,277.20</td>" in result
    assert '<td class="num">30</td><td>30 devices x £4.75 = £142.50</td>' in result
    assert "EMAIL has a flat price, so its quantity must be 1, not 2" in result
    assert "Annual total (before VAT)</th><td class=\"num\">£1,419.70</td>" in result


def test_price_check_page_for_an_academy_against_last_year(app, client, login, priced):
    login("sla")
    html = unescape(client.get("/prices/check?urn=140001&year=2024&service=SIMS-SUPPORT").get_data(as_text=True))
    assert "Cardinal Newman Academy · Academy / free school · 2024-25 price list v1 (published)" in html
    assert "Pupils: <strong>no figure for the January 2024 census</strong>" in html
    assert "Cardinal Newman Academy (URN 140001) has no pupil figure for the January 2024 census" in html
    assert "£0.00" in html.split("Annual total")[1][:80]  # nothing priced; the problem says why


def test_price_check_page_refuses_bad_input_with_a_message(app, client, login, priced):
    login("sla")

    def errors(query):
        html = unescape(client.get(f"/prices/check?{query}").get_data(as_text=True))
        assert 'id="price-check-result"' not in html
        return html

    assert "No school with URN 999999." in errors("urn=999999&year=2025&service=EMAIL")
    assert "No school with URN 99999999999999999999." in errors("urn=99999999999999999999&year=2025&service=EMAIL")
    assert "No school with URN abc." in errors("urn=abc&year=2025&service=EMAIL")
    assert "EMAIL: quantity '-2' is not a positive number." in errors("urn=103700&year=2025&service=EMAIL&qty-EMAIL=-2")
    assert "EMAIL: quantity 'two' is not a positive number." in errors("urn=103700&year=2025&service=EMAIL&qty-EMAIL=two")
    assert "There is no 2023-24 price list." in errors("urn=103700&year=2023&service=EMAIL")
    assert client.get("/prices/check?urn=103700&year=1&service=EMAIL").status_code == 200


def test_price_check_uses_the_published_version_while_a_new_one_is_drafted(app, client, login, priced):
    run(app, "prices", "new-version", "--year", "2025")
    draft = price_lists.draft(2025)
    email = next(e for e in draft.entries if e.service_code == "EMAIL" and e.customer_type == "maintained")
    price_lists.update_entry(email, title=email.title, model="flat", amount="800", rate="", minimum="", maximum="",
                             bands="", unit="", vat_code="S")
    login("sla")
    html = unescape(client.get("/prices/check?urn=103700&year=2025&service=EMAIL").get_data(as_text=True))
    assert "2025-26 price list v1 (published)" in html and "flat annual charge £780.00" in html
    check = price_school(priced["allesley"], draft, [("EMAIL", Decimal(1))])
    assert lines(check) == [("EMAIL", Decimal("800.00"), "flat annual charge £800.00", "S")]
