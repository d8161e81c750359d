"""Issue #30: the main navigation marks only the page one is on (aria-current="page"), for every role."""
from __future__ import annotations

import re

import pytest

from contracts_app.web.nav import nav_current

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')
FINANCE = ["main.index", "catalogue.price_years", "invoicing.index", "invoicing.runs", "invoicing.payments",
           "invoicing.aged_debt"]


@pytest.mark.parametrize(("endpoint", "item"), [
    ("invoicing.runs", "invoicing.runs"), ("invoicing.show", "invoicing.index"),
    ("invoicing.import_payments", "invoicing.payments"), ("invoicing.aged_debt_chart", "invoicing.aged_debt"),
    ("catalogue.price_list", "catalogue.price_years"), ("portal.home", None), (None, None)])
def test_one_item_per_page(endpoint, item):
    assert nav_current(endpoint, FINANCE) == item


def test_a_catalogue_service_page_is_under_catalogue_not_prices():
    items = ["catalogue.services", "catalogue.price_years"]
    assert nav_current("catalogue.edit_service", items) == "catalogue.services"
    assert nav_current("catalogue.compare_prices", items) == "catalogue.price_years"


@pytest.mark.parametrize(("role", "url", "marked"), [
    ("finance", "/invoices/runs", "/invoices/runs"), ("finance", "/invoices/payments", "/invoices/payments"),
    ("finance", "/invoices/", "/invoices/"), ("admin", "/admin/audit", "/admin/audit"), ("sla", "/", "/"),
    ("school", "/invoices/", "/invoices/")])
def test_the_page_shows_one_current_item(client, login, make_school, role, url, marked):
    login(role, school=make_school() if role == "school" else None)
    html = client.get(url).get_data(as_text=True)
    assert CURRENT.findall(html) == [marked]
