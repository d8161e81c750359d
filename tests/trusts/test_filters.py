"""A trust's invoices and agreements in the lists, the API and the exports (issue #29): ``trust=CODE``
keeps one trust's, each item names its trust, and the finance export carries the trust columns.

The world (tests.trusts.test_statement_doors) has an academy that moved trust on 1 January 2025: its
earlier invoice stays the old trust's, the later one is the new trust's - the statement's rule - and the
filter answers the same as the statement at every door."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice
from contracts_app.services.invoicing.balances import InvoiceFilter
from contracts_app.services.invoicing.documents import export
from contracts_app.services.invoicing.statements import trust_statement
from contracts_app.services.users import issue_token
from tests.trusts.test_billing import SUMMER, _academies
from tests.trusts.test_statement_doors import AS_OF, sign_in, world  # noqa: F401 - the fixture

FIRST = {"INV-2024-000001", "INV-2025-000002", "INV-2024-000003"}  # 3104's: the moved academy's earlier one
OTHER = {"INV-2025-000004", "INV-2025-000009"}  # 1579's: the moved academy's later one and its own academy's


def _agreement(school, year: int) -> Agreement:
    found = Agreement(sla_year=year, school=school, status="active", customer_type="academy",
                      term_start=date(year, 4, 1), term_end=date(year + 1, 3, 31), annual_total=Decimal("100.00"))
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def agreements(world):  # noqa: F811 - the fixture
    """The moved academy's 2024-25 agreement ended after its move (the new trust's); its 2020-21 one ended
    before (the old trust's); this year's run while today's membership holds."""
    today_year = date.today().year if date.today().month >= 4 else date.today().year - 1
    return {"moved_2024": _agreement(world["moved"], 2024), "moved_2020": _agreement(world["moved"], 2020),
            "inside_now": _agreement(world["inside"], today_year),
            "outside_now": _agreement(world["outside"], today_year), "year": today_year}


def _api(client, email: str, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {issue_token(email)}"})


def _statement_numbers(trust) -> set[str]:
    return {e.item.reference for a in trust_statement(trust, AS_OF).academies for e in a.entries
            if e.item.reference.startswith("INV-")}


def test_the_invoices_filter_keeps_what_the_trusts_statement_holds(client, make_user, world):  # noqa: F811
    finance = make_user("finance").email
    for code, expected, trust in (("3104", FIRST, world["trust"]), ("1579", OTHER, world["other"])):
        body = _api(client, finance, f"/api/v1/invoices?trust={code}").get_json()
        assert {i["invoice_number"] for i in body["items"]} == expected == _statement_numbers(trust)
        assert body["total"] == len(expected) and {i["trust_code"] for i in body["items"]} == {code}
        assert {i["trust_billing"] for i in body["items"]} == {None}  # addressed to the schools themselves
    everything = _api(client, finance, "/api/v1/invoices").get_json()["items"]
    assert {i["invoice_number"]: i["trust_code"] for i in everything} == {
        **{n: "3104" for n in FIRST}, **{n: "1579" for n in OTHER}}
    one = _api(client, finance, "/api/v1/invoices/INV-2024-000003").get_json()
    assert one["trust_code"] == "3104"  # issued before the move


def test_an_unknown_or_bad_trust_is_refused_at_the_api(client, make_user, world):  # noqa: F811
    finance = make_user("finance").email
    for path in ("/api/v1/invoices?trust=9999", f"/api/v1/agreements?year=2024&trust=9999"):
        response = _api(client, finance, path)
        assert response.status_code == 404 and "no trust with code 9999" in response.get_json()["detail"]
    for path in ("/api/v1/invoices?trust=" + "9" * 21, "/api/v1/agreements?year=2024&trust="):
        assert _api(client, finance, path).status_code == 400


def test_a_trust_user_filters_within_what_it_may_see(client, world):  # noqa: F811
    own = _api(client, "trust@test.example", "/api/v1/invoices?trust=3104").get_json()
    # A trust user sees what its statement holds: the moved academy's invoice from before its move included.
    assert {i["invoice_number"] for i in own["items"]} == FIRST
    # Another trust's filter shows it nothing: the filter narrows, never widens, what a user sees.
    assert _api(client, "trust@test.example", "/api/v1/invoices?trust=1579").get_json()["items"] == []


MOVED_BEFORE, MOVED_AFTER = "INV-2024-000003", "INV-2025-000004"


@pytest.mark.parametrize("email, sees, not_sees", [
    ("trust@test.example", FIRST, OTHER),  # the trust the academy left keeps its earlier invoice
    ("other-trust@test.example", OTHER, FIRST),  # the trust it joined sees only what was billed since
])
def test_a_trust_user_sees_the_trusts_invoices_at_every_door(client, world, email, sees, not_sees):  # noqa: F811
    """Past invoices stay where they were: after the move the old trust's users still read the moved academy's
    earlier invoice (page, PDF, API, list, portal) as its statement lists it; the new trust's do not."""
    listed = {i["invoice_number"] for i in _api(client, email, "/api/v1/invoices").get_json()["items"]}
    assert listed == sees
    for number in sees | not_sees:
        expected = 200 if number in sees else 404
        assert _api(client, email, f"/api/v1/invoices/{number}").status_code == expected, number
    sign_in(client, email)
    page = client.get("/invoices/").get_data(as_text=True)
    assert all(n in page for n in sees) and not any(n in page for n in not_sees)
    for number in (MOVED_BEFORE, MOVED_AFTER):
        expected = 200 if number in sees else 404
        assert client.get(f"/invoices/{number}").status_code == expected, number
        assert client.get(f"/invoices/{number}/pdf").status_code == expected, number
    portal = client.get("/portal/").get_data(as_text=True)
    assert all(n in portal for n in sees) and not any(n in portal for n in not_sees)
    code = "3104" if email == "trust@test.example" else "1579"
    statement = client.get(f"/trusts/{code}/statement?as_of={AS_OF.isoformat()}").get_data(as_text=True)
    assert all(f'href="/invoices/{n}"' in statement for n in sees)  # every line it lists, a link it may follow


def test_the_agreements_filter_and_code_follow_the_agreements_day(client, make_user, world, agreements):  # noqa: F811
    finance = make_user("finance").email
    past = _api(client, finance, "/api/v1/agreements?year=2024&trust=1579").get_json()
    assert [a["id"] for a in past["items"]] == [agreements["moved_2024"].id]  # the term ended after the move
    assert past["items"][0]["trust_code"] == "1579"
    assert _api(client, finance, "/api/v1/agreements?year=2024&trust=3104").get_json()["items"] == []
    old = _api(client, finance, "/api/v1/agreements?year=2020").get_json()["items"]
    assert [(a["id"], a["trust_code"]) for a in old] == [(agreements["moved_2020"].id, "3104")]
    now = _api(client, finance, f"/api/v1/agreements?year={agreements['year']}&trust=3104").get_json()["items"]
    assert [a["id"] for a in now] == [agreements["inside_now"].id]
    one = _api(client, finance, f"/api/v1/agreements/{agreements['outside_now'].id}").get_json()
    assert one["trust_code"] == "1579"


def test_the_pages_filter_by_trust_and_say_when_no_trust_has_the_code(client, login, world, agreements):  # noqa: F811
    login("finance")
    trust_page = client.get("/trusts/1579").get_data(as_text=True)
    assert 'href="/invoices/?trust=1579"' in trust_page and 'href="/agreements/?trust=1579"' in trust_page
    page = client.get("/invoices/?trust=1579").get_data(as_text=True)
    assert all(n in page for n in OTHER) and not any(n in page for n in FIRST)
    assert 'data-suggest="/suggest/trusts"' in page and "unknown-trust" not in page
    unknown = client.get("/invoices/?trust=NOPE").get_data(as_text=True)
    assert "No trust has the code NOPE" in unknown and "No invoices for these filters." in unknown
    listed = client.get(f"/agreements/?year={agreements['year']}&trust=1579").get_data(as_text=True)
    assert "Outside Academy" in listed and "Inside Academy" not in listed
    assert "No trust has the code NOPE" in client.get("/agreements/?trust=NOPE").get_data(as_text=True)
    exported = client.get(f"/agreements/?year={agreements['year']}&export=csv").get_data(as_text=True)
    rows = {r["party"]: r["trust_code"] for r in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))}
    assert rows == {"Inside Academy": "3104", "Outside Academy": "1579"}


def test_the_finance_export_names_each_invoices_trust(client, login, world):  # noqa: F811
    rows = list(csv.DictReader(io.StringIO(export(InvoiceFilter(), "csv").decode())))
    assert {r["invoice_number"]: r["trust_code"] for r in rows} == {
        **{n: "3104" for n in FIRST}, **{n: "1579" for n in OTHER}}
    assert {r["trust_name"] for r in rows if r["trust_code"] == "3104"} == {"First Trust"}
    assert {r["line_school_urn"] for r in rows if r["invoice_number"] == "INV-2025-000004"} == {"140003"}
    login("finance")
    page_export = client.get("/invoices/export?format=csv&trust=1579").get_data(as_text=True)
    assert {r["invoice_number"] for r in csv.DictReader(io.StringIO(page_export.lstrip("\ufeff")))} == OTHER


def test_a_consolidated_invoice_exports_each_lines_academy(app, make_school):
    from contracts_app.services.invoicing import runs as invoice_run
    trust, schools = _academies(make_school, "consolidated")
    invoice_run.run(2025, "summer", SUMMER, "finance@test")
    invoice = db.session.scalar(select(Invoice))
    rows = list(csv.DictReader(io.StringIO(export(InvoiceFilter(trust_code="4001"), "csv").decode())))
    assert {r["invoice_number"] for r in rows} == {invoice.number}
    assert {(r["trust_code"], r["trust_billing"]) for r in rows} == {("4001", "consolidated")}
    assert {int(r["line_school_urn"]) for r in rows} == {s.urn for s in schools}
    assert sum(Decimal(r["net"]) for r in rows) == invoice.net


def test_the_export_command_keeps_one_trusts_invoices_and_refuses_an_unknown_code(app, world, tmp_path):  # noqa: F811
    runner = app.test_cli_runner()
    out = tmp_path / "other.csv"
    done = runner.invoke(args=["invoices", "export", "--year", "2025", "--trust", "1579", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert {r["invoice_number"] for r in csv.DictReader(io.StringIO(out.read_text()))} == OTHER
    missing = tmp_path / "none.csv"
    refused = runner.invoke(args=["invoices", "export", "--year", "2025", "--trust", "NOPE", "-o", str(missing)])
    assert refused.exit_code != 0 and "no trust with code 'NOPE'" in refused.output and not missing.exists()
