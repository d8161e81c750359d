"""Issue #15 item 8: every ``?year=`` on every page answers a clear 400 (or a message on the
page), never a 500: the bound is pricing.sla_year.requested_year, read by web/args.year_arg."""
from __future__ import annotations

from html import unescape

import pytest

from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear, requested_year

BAD_YEARS = ("1", "99999", "abc")
# Every page that reads ?year=, and who may open it.
PAGES = [
    ("/agreements/", "sla"),
    ("/agreements/new", "sla"),
    ("/invoices/", "finance"),
    ("/invoices/export", "finance"),
    ("/invoices/export?format=xlsx", "finance"),
    ("/invoices/runs", "finance"),
    ("/invoices/runs?preview=1&term=summer&issue_date=2025-04-10", "finance"),
    ("/invoices/aged-debt", "finance"),
    ("/census/missing", "sla"),
]


def test_the_bound_is_written_once():
    assert requested_year("2025") == SlaYear(2025) == requested_year(" 2025-26 ") == requested_year(2025)
    assert requested_year("2000").start_year == 2000 and requested_year("2100").start_year == 2100
    for bad in ("1", "99999", "abc", "", "1999", "2101", "2025-27", "-1", None, True):
        with pytest.raises(PriceRuleError):
            requested_year(bad)


def _with_year(path: str, year: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}year={year}"


@pytest.mark.parametrize("path,role", PAGES)
@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_mistyped_year_is_a_clear_400(client, login, path, role, year):
    login(role)
    response = client.get(_with_year(path, year))
    assert response.status_code == 400, (path, year, response.status_code)
    text = unescape(response.get_data(as_text=True))
    assert f"{year!r} is not an SLA year" in text or f"{year} is not an SLA year" in text, text[:2000]
    assert "Traceback" not in text


@pytest.mark.parametrize("path,role", PAGES)
def test_a_good_year_still_answers(client, login, path, role):
    login(role)
    assert client.get(_with_year(path, "2025")).status_code == 200


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_price_check_says_the_year_is_wrong_and_shows_this_one(client, login, year):
    login("sla")
    response = client.get(f"/prices/check?year={year}&urn=103700")
    assert response.status_code == 200
    text = unescape(response.get_data(as_text=True))
    assert "is not an SLA year" in text and "Showing " in text


@pytest.mark.parametrize("year", ("1", "99999"))
def test_price_list_pages_of_a_year_out_of_range_are_not_found(client, login, year):
    login("sla")
    for path in (f"/prices/{year}", f"/prices/{year}/compare"):
        assert client.get(path).status_code == 404
