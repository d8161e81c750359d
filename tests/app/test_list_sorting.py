"""Issue #30: staff lists sort by any column shown (in SQL, stable on ties, kept with the filters),
count "1-50 of N", and export exactly what is filtered, in order, as CSV and XLSX."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook


def _urns(html: str) -> list[int]:
    return [int(u) for u in re.findall(r'href="/schools/(\d+)"', html)]


@pytest.fixture
def register(make_school):
    make_school(urn=100003, name="Beech Primary", postcode="CV3 1AA")
    make_school(urn=100001, name="Cedar Academy", establishment_type="Academy converter", postcode="CV1 1AA")
    make_school(urn=100002, name="Ash Infant", postcode="CV2 1AA")
    make_school(urn=100004, name="Ash Infant", postcode="CV4 1AA")  # a tie on name: URN decides


def test_schools_sort_by_each_way_and_ties_keep_one_order(register, client, login):
    login("sla")
    assert _urns(client.get("/schools/").get_data(as_text=True)) == [100002, 100004, 100003, 100001]
    desc = client.get("/schools/?sort=name&dir=desc").get_data(as_text=True)
    assert _urns(desc) == [100001, 100003, 100002, 100004]
    assert 'aria-sort="descending"' in desc and desc.count("aria-sort=") == 1
    assert _urns(client.get("/schools/?sort=postcode&dir=desc").get_data(as_text=True)) == [
        100004, 100003, 100002, 100001]
    by_urn = client.get("/schools/?sort=urn").get_data(as_text=True)
    assert _urns(by_urn) == [100001, 100002, 100003, 100004] and 'aria-sort="ascending"' in by_urn
    # The header already sorted by turns the order round; the others start ascending.
    assert 'href="/schools/?sort=urn&amp;dir=desc"' in by_urn and 'href="/schools/?sort=name&amp;dir=asc"' in by_urn


def test_the_order_is_kept_with_the_filters_and_across_pages(register, app, client, login):
    app.config["PAGE_SIZE"] = 2
    login("sla")
    first = client.get("/schools/?type=maintained&sort=urn&dir=desc").get_data(as_text=True)
    assert _urns(first) == [100004, 100003] and "1&ndash;2 of 3" in first
    assert "type=maintained" in re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = client.get("/schools/?type=maintained&sort=urn&dir=desc&page=2").get_data(as_text=True)
    assert _urns(second) == [100002] and "3&ndash;3 of 3" in second
    assert '<input type="hidden" name="sort" value="urn">' in first


@pytest.mark.parametrize("query, named", [("sort=password", "sort must be one of urn, name"),
                                          ("sort=name&dir=sideways", "dir must be asc or desc"),
                                          ("export=pdf", "export must be csv or xlsx")])
def test_a_column_or_direction_the_list_does_not_have_is_a_400_naming_the_choices(register, client, login,
                                                                                  query, named):
    login("sla")
    response = client.get(f"/schools/?{query}")
    assert response.status_code == 400 and named in response.get_data(as_text=True)


def test_export_is_exactly_what_is_filtered_in_its_order(register, client, login):
    login("finance")
    response = client.get("/schools/?type=maintained&sort=urn&dir=desc&export=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.match(r'attachment; filename="schools-\d{4}-\d\d-\d\d\.csv"', response.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["urn"] for r in rows] == ["100004", "100003", "100002"]
    assert rows[0]["name"] == "Ash Infant" and rows[0]["customer_type"] == "maintained"
    book = load_workbook(io.BytesIO(client.get("/schools/?q=ash&sort=postcode&export=xlsx").data))
    values = [row for row in book.active.iter_rows(values_only=True)]
    assert values[0][:2] == ("urn", "name") and [v[0] for v in values[1:]] == [100002, 100004]  # numbers


def test_an_exported_name_is_never_a_formula(make_school, client, login):
    make_school(urn=100009, name="=HYPERLINK(\"http://x\")")
    login("sla")
    rows = list(csv.reader(io.StringIO(client.get("/schools/?export=csv").get_data(as_text=True))))
    assert not rows[1][1].startswith("=")


@pytest.mark.parametrize("role, status", [("admin", 200), ("sla", 200), ("finance", 200), ("school", 403)])
def test_export_access_per_role(register, client, login, role, status):
    login(role)
    assert client.get("/schools/?export=csv").status_code == status


# -- invoices ---------------------------------------------------------------------------------

def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/invoices/(INV-\d{4}-\d+)"', html.split('id="invoices"')[1])


@pytest.fixture
def invoiced(app, make_school):
    from datetime import date
    from decimal import Decimal

    from contracts_app.extensions import db
    from contracts_app.models import Invoice
    from contracts_app.services.invoicing import balances as invoicing
    from contracts_app.services.invoicing import runs as invoice_run
    from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement
    from tests.app.test_invoice_lists import LINES

    build_priced_world(2025)
    for urn, name, pupils in ((103700, "Allesley Primary", 412), (103701, "Bablake Primary", 90),
                              (103702, "Coundon Primary", 250)):
        school = make_school(urn=urn, name=name)
        add_census(school, "2025-01", pupils)
        issue_agreement(LINES, school=school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    by_name = {i.customer_name: i for i in db.session.query(Invoice)}
    # Allesley pays all but £1: its outstanding is the smallest.
    allesley = by_name["Allesley Primary"]
    invoicing.record_payment(allesley, allesley.gross - Decimal("1.00"), date(2025, 5, 1), "", "f")
    return {name: invoice.number for name, invoice in by_name.items()}


def test_invoices_sort_by_school_gross_and_outstanding_in_sql(invoiced, client, login):
    login("finance")
    n = invoiced
    assert _numbers(client.get("/invoices/?sort=school").get_data(as_text=True)) == [
        n["Allesley Primary"], n["Bablake Primary"], n["Coundon Primary"]]
    # Bablake and Coundon pay the same minimum charge: on a tie the newest number comes first, every time.
    tie = [n["Coundon Primary"], n["Bablake Primary"]]
    assert _numbers(client.get("/invoices/?sort=gross&dir=desc").get_data(as_text=True)) == [n["Allesley Primary"], *tie]
    assert _numbers(client.get("/invoices/?sort=gross").get_data(as_text=True)) == [*tie, n["Allesley Primary"]]
    outstanding = client.get("/invoices/?sort=outstanding").get_data(as_text=True)
    assert _numbers(outstanding) == [n["Allesley Primary"], *tie]  # all but £1 paid
    # The status filter joins the payment totals itself; the order still works beside it.
    assert _numbers(client.get("/invoices/?status=unpaid&sort=outstanding&dir=desc").get_data(as_text=True)) == tie
    newest = client.get("/invoices/").get_data(as_text=True)
    assert 'aria-sort="descending"' in newest and len(_numbers(newest)) == 3
    assert client.get("/invoices/?sort=status").status_code == 400


# -- agreements -------------------------------------------------------------------------------

def _agreement_parties(html: str) -> list[str]:
    body = html.split('id="agreements"')[1]
    return re.findall(r'href="/agreements/\d+">([^<]+)</a>', body)


def test_agreements_sort_by_party_and_total_and_export_in_that_order(invoiced, client, login):
    login("sla")
    assert _agreement_parties(client.get("/agreements/?year=2025&sort=party&dir=desc").get_data(as_text=True)) == [
        "Coundon Primary", "Bablake Primary", "Allesley Primary"]
    by_total = client.get("/agreements/?year=2025&sort=total").get_data(as_text=True)
    assert _agreement_parties(by_total) == ["Bablake Primary", "Coundon Primary", "Allesley Primary"]  # tie: made first
    assert 'aria-sort="ascending"' in by_total
    usual = client.get("/agreements/?year=2025").get_data(as_text=True)
    assert "aria-sort" not in usual and _agreement_parties(usual) == ["Allesley Primary", "Bablake Primary",
                                                                      "Coundon Primary"]
    response = client.get("/agreements/?year=2025&sort=party&dir=desc&export=csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["party"] for r in rows] == ["Coundon Primary", "Bablake Primary", "Allesley Primary"]
    assert rows[2]["urn"] == "103700" and rows[2]["status"] == "active" and rows[2]["annual_total"]
    book = load_workbook(io.BytesIO(client.get("/agreements/?year=2025&q=bablake&export=xlsx").data))
    header, *values = list(book.active.iter_rows(values_only=True))
    assert len(values) == 1 and isinstance(values[0][header.index("annual_total")], (int, float))
    assert client.get("/agreements/?year=2025&sort=po_number").status_code == 400


# -- payments -------------------------------------------------------------------------------

@pytest.fixture
def paid(invoiced):
    """Allesley paid on 1 May (fixture); Bablake £10 on 2 May and £20 on 3 June, the £20 reversed on 4 June."""
    from datetime import date
    from decimal import Decimal

    from contracts_app.services.invoicing import balances as invoicing
    from contracts_app.services.invoicing import payments

    bablake = invoicing.by_number(invoiced["Bablake Primary"])
    invoicing.record_payment(bablake, Decimal("10.00"), date(2025, 5, 2), "BACS 1", "f")
    wrong = invoicing.record_payment(bablake, Decimal("20.00"), date(2025, 6, 3), "BACS 2", "f")
    payments.reverse_payment(wrong, "paid to the wrong invoice", "f", date(2025, 6, 4))
    return invoiced


def _amounts(html: str) -> list[str]:
    body = html.split('id="payments"')[1].split("</table>")[0]
    return re.findall(r'<td class="num">([^<]+)</td>', body)


def test_payments_page_filters_by_school_dates_and_reversal_pages_and_sorts(paid, app, client, login):
    login("finance")
    assert len(_amounts(client.get("/invoices/payments").get_data(as_text=True))) == 4
    assert _amounts(client.get("/invoices/payments?school=bablake&sort=amount").get_data(as_text=True)) == [
        "-£20.00", "£10.00", "£20.00"]
    assert _amounts(client.get("/invoices/payments?school=103701&reversed=no").get_data(as_text=True)) == ["£10.00"]
    assert _amounts(client.get("/invoices/payments?reversed=yes&sort=date&dir=asc").get_data(as_text=True)) == [
        "£20.00", "-£20.00"]
    assert _amounts(client.get("/invoices/payments?from=2025-05-02&to=2025-06-03").get_data(as_text=True)) == [
        "£20.00", "£10.00"]
    app.config["PAGE_SIZE"] = 3
    second = client.get("/invoices/payments?page=2").get_data(as_text=True)
    assert len(_amounts(second)) == 1 and "4&ndash;4 of 4" in second
    export = client.get("/invoices/payments/export?format=csv&school=bablake&sort=amount&dir=desc")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [r["amount"] for r in rows] == ["20.00", "10.00", "-20.00"]


@pytest.mark.parametrize("query, named", [("from=2025-13-01", "from must be a date as YYYY-MM-DD"),
                                          ("reversed=maybe", "reversed must be yes or no"),
                                          ("from=2025-06-01&to=2025-05-01", "is after to"),
                                          ("sort=reference", "sort must be one of id, date")])
def test_payments_filters_it_cannot_read_are_400s_naming_them(paid, client, login, query, named):
    login("finance")
    for path in ("/invoices/payments", "/invoices/payments/export"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400 and named in response.get_data(as_text=True)


@pytest.mark.parametrize("role, status", [("admin", 200), ("sla", 403), ("finance", 200), ("school", 403)])
def test_payments_page_access_per_role(paid, client, login, role, status):
    login(role)
    assert client.get("/invoices/payments?reversed=no").status_code == status
    assert client.get("/invoices/payments/export?format=csv").status_code == status


# -- ad hoc requests --------------------------------------------------------------------------

def test_adhoc_requests_sort_by_school_and_reference_and_export(app, make_school, client, login):
    from tests.app.test_adhoc import new_request
    from tests.agreements_fixtures import build_priced_world

    build_priced_world(2025)
    places = [make_school(urn=103700, name="Allesley Primary School"),
              make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")]
    new_request(places[1], "SR2")
    new_request(places[0], "SR3")
    new_request(places[1], "SR1")
    login("sla")

    def references(url: str) -> list[str]:
        return re.findall(r'>(SR\d)</a>', client.get(url).get_data(as_text=True))

    assert references("/adhoc/") == ["SR1", "SR3", "SR2"]  # newest first
    assert references("/adhoc/?sort=reference&dir=asc") == ["SR1", "SR2", "SR3"]
    assert references("/adhoc/?sort=school&dir=asc") == ["SR3", "SR1", "SR2"]  # Allesley; Cardinal newest first
    rows = list(csv.DictReader(io.StringIO(client.get("/adhoc/?q=cardinal&sort=reference&export=csv")
                                           .get_data(as_text=True))))
    assert [r["reference"] for r in rows] == ["SR1", "SR2"] and rows[0]["estimate_hours"] == "3.00"
    assert client.get("/adhoc/?sort=hours").status_code == 400


# -- users ------------------------------------------------------------------------------------

def test_users_filter_by_role_and_activity_sort_and_export_without_secrets(app, make_school, make_user, client,
                                                                           login):
    from contracts_app.extensions import db

    school = make_school(urn=103700, name="Allesley Primary School")
    make_user("finance", email="zed@test.example")
    head = make_user("school", school=school, email="head@allesley.example")
    gone = make_user("sla", email="left@test.example")
    gone.active = False
    db.session.commit()
    login("admin")

    def emails(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="users"')[1]
        return re.findall(r'>([^<>@\s]+@[^<>\s]+)</a>', body)

    assert emails("/admin/users?role=school") == ["head@allesley.example"]
    assert emails("/admin/users?active=no") == ["left@test.example"]
    assert emails("/admin/users?q=allesley") == ["head@allesley.example"]  # by the school's name
    assert emails("/admin/users?q=103700") == ["head@allesley.example"]  # by its URN
    everyone = emails("/admin/users?sort=email&dir=desc")
    assert everyone == sorted(everyone, reverse=True) and len(everyone) == 4
    export = client.get("/admin/users?role=school&export=csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert rows == [{"email": "head@allesley.example", "name": "", "role": "school", "school_urn": "103700",
                     "school": "Allesley Primary School", "trust_code": "", "signatory": "no", "active": "yes",
                     "last_sign_in": ""}]
    assert "password" not in export.get_data(as_text=True) and head.password_hash not in export.get_data(as_text=True)
    for bad in ("role=owner", "active=maybe", "sort=password_hash"):
        assert client.get(f"/admin/users?{bad}").status_code == 400, bad


# -- audit trail ------------------------------------------------------------------------------

def test_audit_trail_sorts_by_action_and_exports_what_is_filtered(app, make_school, client, login):
    make_school(urn=103700, name="Allesley Primary School")
    make_school(urn=103701, name="Bablake Primary")
    login("admin")

    def actions(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="audit"')[1]
        return re.findall(r"<td>(create|login)</td>", body)

    assert actions("/admin/audit?sort=action&dir=asc") == ["create", "create", "login"]
    assert actions("/admin/audit?sort=action&dir=desc") == ["login", "create", "create"]
    export = client.get("/admin/audit?entity=School&sort=when&dir=asc&export=csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [r["summary"] for r in rows] == ["Allesley Primary School", "Bablake Primary"]
    assert {r["record"] for r in rows} == {"School"} and '"urn": 103700' in rows[0]["changes"]
    assert client.get("/admin/audit?sort=changes").status_code == 400


# -- jobs -------------------------------------------------------------------------------------

def _job(kind: str, state: str, by: str):
    from contracts_app.extensions import db
    from contracts_app.models import Job

    job = Job(kind=kind, parameters={"year": 2025}, started_by=by, state=state, done=0)
    db.session.add(job)
    db.session.commit()
    return job.id


def test_jobs_filter_by_kind_and_state_and_show_only_the_kinds_a_role_may_use(app, client, login):
    run = _job("invoice_run", "failed", "finance@test.example")
    issue = _job("issue_agreements", "done", "sla@test.example")
    login("finance")

    def ids(url: str) -> list[int]:
        body = client.get(url).get_data(as_text=True).split('id="jobs"')[1]
        return [int(i) for i in re.findall(r'href="/jobs/(\d+)"', body)]

    assert ids("/jobs/") == [run]  # finance does not use the agreements' jobs
    assert ids("/jobs/?state=failed&kind=invoice_run") == [run]
    assert ids("/jobs/?state=done") == []
    assert client.get("/jobs/?kind=issue_agreements").status_code == 400  # not finance's kind
    assert client.get("/jobs/?state=stuck").status_code == 400


def test_jobs_sort_and_export_what_is_filtered(app, client, login):
    run = _job("invoice_run", "failed", "finance@test.example")
    issue = _job("issue_agreements", "done", "sla@test.example")
    login("admin")

    def ids(url: str) -> list[int]:
        body = client.get(url).get_data(as_text=True).split('id="jobs"')[1]
        return [int(i) for i in re.findall(r'href="/jobs/(\d+)"', body)]

    assert ids("/jobs/?sort=id&dir=asc") == [run, issue]
    assert ids("/jobs/?sort=what&dir=desc") == [issue, run]  # "issue_agreements" after "invoice_run"
    rows = list(csv.DictReader(io.StringIO(client.get("/jobs/?state=done&export=csv").get_data(as_text=True))))
    assert [(r["job"], r["kind"], r["year"], r["state"]) for r in rows] == [(str(issue), "issue_agreements", "2025",
                                                                               "done")]


# -- issuing chosen drafts --------------------------------------------------------------------

def test_chosen_drafts_are_issued_after_a_confirmation_and_one_that_cannot_be_is_named(app, make_school, client,
                                                                                       login):
    from contracts_app.extensions import db
    from contracts_app.models import Agreement
    from contracts_app.services import agreements as agreement_service
    from tests.agreements_fixtures import add_census, build_priced_world
    from tests.app.test_invoice_lists import LINES

    build_priced_world(2025)
    ready, no_census = make_school(urn=103700, name="Allesley Primary"), make_school(urn=103701, name="Bablake")
    add_census(ready, "2025-01", 412)
    drafts = {}
    for school in (ready, no_census):
        draft = agreement_service.create_draft(2025, school=school, from_catalogue=False)
        agreement_service.set_lines(draft, LINES)
        db.session.commit()
        drafts[school.name] = draft.id
    login("sla")
    page = client.get("/agreements/?year=2025").get_data(as_text=True)
    assert page.count('name="agreement_ids"') == 2
    chosen = {"agreement_ids": [str(i) for i in drafts.values()], "back": "/agreements/?year=2025"}
    asked = client.post("/agreements/issue-chosen", data=chosen)
    assert asked.status_code == 200 and "Issue the 2 chosen draft(s)?" in asked.get_data(as_text=True)
    assert {a.status for a in db.session.query(Agreement)} == {"draft"}
    done = client.post("/agreements/issue-chosen", data={**chosen, "confirmed": "1"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Issued 1 agreement(s)." in html and "Not issued (1): Bablake" in html
    db.session.expire_all()
    assert db.session.get(Agreement, drafts["Allesley Primary"]).status == "active"
    assert db.session.get(Agreement, drafts["Bablake"]).status == "draft"
    again = client.post("/agreements/issue-chosen", data={**chosen, "confirmed": "1"}, follow_redirects=True)
    assert "Issued 0 agreement(s)." in again.get_data(as_text=True) and "already active" in again.get_data(True)
    assert client.post("/agreements/issue-chosen", data={"agreement_ids": ["x"]}).status_code == 400
    nobody = client.post("/agreements/issue-chosen", data={"confirmed": "1"}, follow_redirects=True)
    assert "Choose at least one draft agreement to issue." in nobody.get_data(as_text=True)


# -- census: schools missing a figure ---------------------------------------------------------

def test_missing_census_list_filters_sorts_and_exports(register, client, login):
    login("sla")

    def urns(url: str) -> list[int]:
        body = client.get(url).get_data(as_text=True).split('id="missing"')[1]
        return [int(u) for u in re.findall(r"<tr><td>(\d+)</td>", body)]

    assert urns("/census/missing?year=2025&sort=urn&dir=desc") == [100004, 100003, 100002, 100001]
    assert urns("/census/missing?year=2025&type=academy") == [100001]
    assert urns("/census/missing?year=2025&q=ash") == [100002, 100004]
    rows = list(csv.DictReader(io.StringIO(client.get("/census/missing?year=2025&q=ash&sort=urn&dir=desc&export=csv")
                                           .get_data(as_text=True))))
    assert [r["urn"] for r in rows] == ["100004", "100002"] and rows[0]["census"]
    assert client.get("/census/missing?year=2025&sort=note").status_code == 400


# -- aged debt --------------------------------------------------------------------------------

def test_aged_debt_sorts_by_customer_and_total_and_exports_in_that_order(invoiced, client, login):
    login("finance")

    def customers(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="aged-debt"')[1].split("<tfoot>")[0]
        return re.findall(r'status=outstanding[^"]*">([^<]+)</a>', body)

    usual = customers("/invoices/aged-debt")  # most owed first: Allesley has paid all but £1
    assert usual == ["Bablake Primary", "Coundon Primary", "Allesley Primary"]  # a tie: by name
    assert customers("/invoices/aged-debt?sort=customer&dir=asc") == ["Allesley Primary", "Bablake Primary",
                                                                      "Coundon Primary"]
    assert customers("/invoices/aged-debt?sort=total&dir=asc")[0] == "Allesley Primary"
    export = client.get("/invoices/aged-debt/export?format=csv&sort=customer&dir=desc")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert [r[1] for r in rows[1:]] == ["Coundon Primary", "Bablake Primary", "Allesley Primary"]
    assert client.get("/invoices/aged-debt?sort=urn").status_code == 400


# -- trusts -----------------------------------------------------------------------------------

def test_trusts_sort_by_academies_filter_by_billing_and_export(app, make_school, client, login):
    from datetime import date

    from contracts_app.extensions import db
    from contracts_app.models import Trust, TrustMembership

    big = Trust(code="3104", name="Spires Learning Trust", name_lower="spires learning trust")
    small = Trust(code="1579", name="Arden Trust", name_lower="arden trust", billing="consolidated")
    db.session.add_all([big, small])
    for urn, trust in ((140001, big), (140002, big), (140003, small)):
        school = make_school(urn=urn, establishment_type="Academy converter")
        db.session.add(TrustMembership(trust=trust, school=school, joined_on=date(2020, 9, 1)))
    left = make_school(urn=140004, establishment_type="Academy converter")
    db.session.add(TrustMembership(trust=small, school=left, joined_on=date(2020, 9, 1), left_on=date(2021, 9, 1)))
    db.session.commit()
    login("sla")

    def codes(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="trusts"')[1]
        return re.findall(r"<td>(\d{4})</td>", body)

    assert codes("/trusts/") == ["1579", "3104"]  # by name
    assert codes("/trusts/?sort=academies&dir=desc") == ["3104", "1579"]  # 2 today against 1 (one has left)
    assert codes("/trusts/?billing=consolidated") == ["1579"]
    rows = list(csv.DictReader(io.StringIO(client.get("/trusts/?sort=academies&dir=desc&export=csv")
                                           .get_data(as_text=True))))
    assert [(r["code"], r["academies"], r["billing"]) for r in rows] == [("3104", "2", "per_academy"),
                                                                         ("1579", "1", "consolidated")]
    assert client.get("/trusts/?billing=monthly").status_code == 400


# -- the catalogue ----------------------------------------------------------------------------

def test_catalogue_sorts_filters_and_exports_and_shows_retired_services_when_asked(app, client, login):
    from tests.agreements_fixtures import build_priced_world

    build_priced_world(2025)
    login("sla")

    def codes(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="catalogue"')[1]
        return re.findall(r"<td><code>([A-Z0-9-]+)</code></td>", body)

    everything = codes("/catalogue/?sort=code&dir=asc")
    assert everything == sorted(everything) and len(everything) > 3
    assert codes("/catalogue/?sort=code&dir=desc") == sorted(everything, reverse=True)
    assert codes("/catalogue/?q=sims") == ["SIMS"]
    client.post("/catalogue/SIMS/retire", data={"confirmed": "1"})
    assert "SIMS" not in codes("/catalogue/")
    assert "SIMS" in codes("/catalogue/?retired=1")
    rows = list(csv.DictReader(io.StringIO(client.get("/catalogue/?retired=1&q=sims&export=csv")
                                           .get_data(as_text=True))))
    assert [(r["code"], r["state"]) for r in rows] == [("SIMS", "retired")]
    assert client.get("/catalogue/?sort=price").status_code == 400


# -- invoice runs -----------------------------------------------------------------------------

def test_past_runs_filter_by_year_and_term_sort_and_export(app, client, login):
    from datetime import date, datetime, timezone
    from decimal import Decimal

    from contracts_app.extensions import db
    from contracts_app.models import InvoiceRun

    for year, term, gross, day in ((2025, "summer", "100.00", 1), (2025, "autumn", "300.00", 2),
                                   (2026, "summer", "200.00", 3)):
        db.session.add(InvoiceRun(sla_year=year, term=term, issue_date=date(year, 4, 10), started_by="f@test",
                                  started_at=datetime(2026, 1, day, tzinfo=timezone.utc), invoices_raised=1,
                                  total_gross=Decimal(gross), total_net=Decimal(gross)))
    db.session.commit()
    login("finance")

    def grosses(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="runs"')[1].split("</table>")[0]
        return re.findall(r'<td class="num">(£[\d,.]+)</td>', body)

    assert grosses("/invoices/runs") == ["£200.00", "£300.00", "£100.00"]  # newest first
    assert grosses("/invoices/runs?sort=gross&dir=desc") == ["£300.00", "£200.00", "£100.00"]
    assert grosses("/invoices/runs?run_year=2025&run_term=summer") == ["£100.00"]
    rows = list(csv.DictReader(io.StringIO(client.get("/invoices/runs?run_year=2025&sort=gross&export=csv")
                                           .get_data(as_text=True))))
    assert [(r["sla_year"], r["term"], r["gross"]) for r in rows] == [("2025-26", "summer", "100.00"),
                                                                      ("2025-26", "autumn", "300.00")]
    assert client.get("/invoices/runs?run_term=winter").status_code == 400


# -- a year's price list ----------------------------------------------------------------------

def test_price_list_rows_filter_and_sort_by_code_and_service(app, client, login):
    from tests.agreements_fixtures import build_priced_world

    build_priced_world(2025)
    login("finance")

    def codes(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True).split('id="prices"')[1].split("</table>")[0]
        return re.findall(r"<td><code>([A-Z0-9-]+)</code></td>", body)

    usual = codes("/prices/2025")
    assert usual[-1] == "ADHOC" and len(usual) > 3  # the ad hoc rate last
    assert codes("/prices/2025?sort=code&dir=desc") == sorted(usual, reverse=True)
    assert codes("/prices/2025?q=sims") == ["SIMS"]
    page = client.get("/prices/2025?sort=service&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    assert client.get("/prices/2025?sort=amount").status_code == 400
