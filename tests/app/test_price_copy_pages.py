"""The pages of next year's price list (issue #30): preview beside this year's before saving, the draft,
refusals beside their field, and the price list's Export that the import reads back unchanged."""
from __future__ import annotations

import io
from html import unescape

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import PriceList
from contracts_app.services import price_lists
from tests.app.test_price_copy import published_2025, snapshot


def lists_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PriceList))


def form(**given) -> dict:
    return {"from_year": "2025", "to_year": "2026", "uplift": "3.5", "overrides": "", **given}


def test_the_preview_shows_both_years_side_by_side_and_saves_nothing(app, client, login):
    published_2025(app)
    login("sla")
    start = client.get("/prices/copy?from=2025").get_data(as_text=True)
    assert 'value="2025"' in start and 'value="2026"' in start and "Make the draft" not in start
    html = unescape(client.post("/prices/copy", data=form(overrides="SIMS-SUPPORT=0\r\n", preview="1"))
                    .get_data(as_text=True))
    assert "2026-27 beside 2025-26 price list v1" in html
    assert "11 prices from 2025-26 price list v1 raised by 3.5% (SIMS-SUPPORT 0%)" in html
    row = html[html.index("<code>EMAIL</code>"):]
    row = row[:row.index("</tr>")]
    assert "academy" in row and row.index("£920.00") < row.index("£952.20") and "3.5%" in row  # 920 x 1.035
    sims = html[html.index("<code>SIMS-SUPPORT</code>"):]
    sims = sims[:sims.index("</tr>")]
    # the academy rate £3.565 at 0%: still rounded half-up to the penny, as every new price is
    assert "£3.565 per pupil" in sims and "£3.57 per pupil" in sims and ">0%<" in sims
    assert "Make the draft" in html
    assert lists_count() == 1  # nothing saved by a preview


def test_make_the_draft_saves_it_and_shows_the_new_list(app, client, login):
    published_2025(app)
    login("sla")
    response = client.post("/prices/copy", data=form(save="1"), follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Draft 2026-27 price list v1 made: 11 prices from 2025-26 price list v1 raised by 3.5%" in html
    assert "Price list 2026-27" in html and 'id="list-status">draft<' in html
    assert price_lists.draft(2026).entries[0].price_list.source == "2025-26 price list v1 + 3.5%"


@pytest.mark.parametrize("given, field, message", [
    ({"uplift": "three"}, "uplift", "uplift 'three' is not a number"),
    ({"uplift": "250"}, "uplift", "uplift 250% is out of range"),
    ({"uplift": ""}, "uplift", "Give the uplift"),
    ({"overrides": "NOPE=1"}, "overrides", "override for NOPE: no such service code in 2025-26 price list v1"),
    ({"to_year": "2025"}, "to_year", "2025-26 already has a price list: 2025-26 price list v1 (published)"),
    ({"from_year": "2024"}, "from_year", "the 2024-25 price list is not published"),
    ({"from_year": "last year"}, "from_year", "from year: 'last year' is not an SLA year"),
])
@pytest.mark.parametrize("button", ["preview", "save"])
def test_a_refusal_shows_beside_its_field_and_changes_nothing(app, client, login, given, field, message, button):
    published_2025(app)
    login("sla")
    response = client.post("/prices/copy", data=form(**given, **{button: "1"}))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">{message}' in html
    assert 'id="error-summary"' in html and f'href="#{field}"' in html
    assert lists_count() == 1


def test_the_price_list_page_offers_export_and_the_csv_reimports_unchanged(app, client, login):
    published_2025(app)
    login("sla")
    page = client.get("/prices/2025").get_data(as_text=True)
    assert 'id="export-csv"' in page and 'id="export-xlsx"' in page and 'id="copy-next-year"' in page
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = client.get(f"/prices/2025/export?format={fmt}&version=1")
        assert response.status_code == 200 and kind in response.headers["Content-Type"]
        assert f'filename="prices-2025-26-v1-published.{fmt}"' in response.headers["Content-Disposition"]
        year = 2026 if fmt == "csv" else 2027
        done = client.post(f"/prices/{year}/import", data={
            "file": (io.BytesIO(response.data), f"back.{fmt}"), "census_basis": "january"},
            content_type="multipart/form-data")
        assert done.status_code == 302, done.get_data(as_text=True)
        assert snapshot(price_lists.draft(year)) == snapshot(price_lists.published(2025))


def test_finance_exports_but_cannot_copy(app, client, login):
    published_2025(app)
    login("finance")
    page = client.get("/prices/2025").get_data(as_text=True)
    assert 'id="export-csv"' in page and 'id="copy-next-year"' not in page
    assert client.get("/prices/2025/export").status_code == 200
    assert client.post("/prices/copy", data=form(save="1")).status_code == 403
    assert lists_count() == 1


def test_export_of_a_year_without_a_list_says_so_and_a_bad_format_is_not_found(app, client, login):
    login("sla")
    assert 'id="copy-into-year"' in client.get("/prices/2031").get_data(as_text=True)
    response = client.get("/prices/2031/export", follow_redirects=True)
    assert "there is no 2031-32 price list to export" in unescape(response.get_data(as_text=True))
    assert client.get("/prices/2025/export?format=pdf").status_code == 404
    assert client.get("/prices/2025/export?version=99999999999").status_code == 404
    assert client.get("/prices/1800/export").status_code == 404
