"""Ad hoc pages: staff create, estimate, record authorisation, log time and complete; the school
answers its estimates in the portal. Errors show beside the field and change nothing."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, TimeEntry
from contracts_app.services import adhoc as service
from tests.app.test_adhoc import JUNE, authorised, new_request, world  # noqa: F401 - fixture


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def error_beside(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_staff_create_a_request(world, client, login):
    login("sla")
    form = {"urn": "103700", "reference": "sr104233", "kind": "project", "description": "Set up 30 Chromebooks"}
    response = client.post("/adhoc/new", data=form)
    assert response.status_code == 302
    request = db.session.scalar(select(AdHocRequest))
    assert response.headers["Location"].endswith(f"/adhoc/{request.id}")
    assert (request.reference, request.status, request.created_by) == ("SR104233", "requested", "sla@test.example")
    shown = page_text(client.get(f"/adhoc/{request.id}"))
    assert "SR104233: Project service request" in shown and "No estimate yet." in shown

    again = client.post("/adhoc/new", data={**form, "urn": "140001"})
    assert again.status_code == 200
    assert "already used by a request for Allesley Primary School" in error_beside(again, "reference")
    unknown = client.post("/adhoc/new", data={**form, "urn": "999999", "reference": "SR2"})
    assert error_beside(unknown, "urn") == "No school with URN 999999."
    rework = client.post("/adhoc/new", data={**form, "reference": "SR3", "kind": "rework"})
    assert "names the third party" in error_beside(rework, "third_party")
    assert db.session.scalar(select(func.count()).select_from(AdHocRequest)) == 1


def test_estimate_page(world, client, login):
    login("sla")
    request = new_request(world.maintained, hours=None)
    no_rate = client.post(f"/adhoc/{request.id}/estimate", data={"hours": "3", "sla_year": "2027"})
    assert "no published 2027-28 ad hoc rate" in error_beside(no_rate, "sla_year")
    zero = client.post(f"/adhoc/{request.id}/estimate", data={"hours": "0", "sla_year": "2025"})
    assert "more than zero hours" in error_beside(zero, "hours")
    ok = client.post(f"/adhoc/{request.id}/estimate", data={"hours": "2.5", "sla_year": "2025"})
    assert ok.status_code == 302
    shown = page_text(client.get(f"/adhoc/{request.id}"))
    assert "2.5 hour(s), charged as 3" in shown and "£62.00 an hour (2025-26, maintained schools)" in shown
    assert "£186.00 + VAT £37.20 = £223.20" in shown


def test_staff_record_a_written_authorisation(world, client, login):
    login("sla")
    request = new_request(world.maintained, third_party="Acme AV Ltd")
    own = client.post(f"/adhoc/{request.id}/authorisation", data={"name": "Acme AV Ltd",
                                                                   "authorised_on": "2025-06-02"})
    assert "not from the third party Acme AV Ltd (§9.4)" in error_beside(own, "name")
    future = client.post(f"/adhoc/{request.id}/authorisation",
                         data={"name": "Jo Head", "authorised_on": (date.today() + timedelta(days=2)).isoformat()})
    assert "in the future" in error_beside(future, "authorised_on")
    assert client.post(f"/adhoc/{request.id}/authorisation",
                       data={"name": "Jo Head", "authorised_on": "2025-06-02"}).status_code == 302
    db.session.expire_all()
    assert (request.status, request.authorised_via, request.authorised_on) == ("authorised", "written", JUNE)
    assert "by Jo Head on 2 June 2025, in writing" in page_text(client.get(f"/adhoc/{request.id}"))


def test_time_page_refuses_bad_time_beside_the_field(world, client, login):
    login("sla")
    waiting = new_request(world.maintained, "SR9")
    page = page_text(client.get(f"/adhoc/{waiting.id}/time"))
    assert "No time can be logged until the school authorises the request (§7.3)." in page
    refused = client.post(f"/adhoc/{waiting.id}/time", data={"work_date": "2025-06-02", "minutes": "60"},
                          follow_redirects=True)
    assert "no time may be logged before authorisation (§7.3)" in page_text(refused)

    request = authorised(world.maintained)
    zero = client.post(f"/adhoc/{request.id}/time", data={"work_date": "2025-06-02", "minutes": "0"})
    assert error_beside(zero, "minutes") == "SR1: minutes must be more than zero, not 0"
    early = client.post(f"/adhoc/{request.id}/time", data={"work_date": "2025-06-01", "minutes": "30"})
    assert "before the school authorised the request" in error_beside(early, "work_date")
    assert db.session.scalar(select(func.count()).select_from(TimeEntry)) == 0

    for day, minutes in (("2025-06-02", "30"), ("2025-06-03", "45")):
        response = client.post(f"/adhoc/{request.id}/time", data={"work_date": day, "minutes": minutes,
                                                                   "who": "Sam Patel", "note": "On site"})
        assert response.status_code == 302
    page = client.get(f"/adhoc/{request.id}/time")
    text = page_text(page)
    assert "Sam Patel" in text and re.search(r'id="charged-hours">2<', page.get_data(as_text=True))
    entry = db.session.scalar(select(TimeEntry).order_by(TimeEntry.id.desc()))
    assert client.post(f"/adhoc/{request.id}/time/{entry.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TimeEntry)) == 1


def test_complete_page(world, client, login):
    login("sla")
    request = authorised(world.maintained, "SR5", "rework", hours=None, third_party="BrightSpark AV Ltd")
    service.log_time(request, JUNE, 70, "Sam")
    form_page = page_text(client.get(f"/adhoc/{request.id}/complete"))
    assert "charged as 2 hour(s), £124.00" in form_page and "Write the report" in form_page
    refused = client.post(f"/adhoc/{request.id}/complete", data={"completed_on": "2025-06-02"},
                          follow_redirects=True)
    assert "report of why the council had to intervene" in page_text(refused)
    client.post(f"/adhoc/{request.id}/edit", data={"description": "Put it right", "third_party": "BrightSpark AV Ltd",
                                                   "intervention_report": "They replaced the switch config."})
    assert client.post(f"/adhoc/{request.id}/complete", data={"completed_on": "2025-06-02"}).status_code == 302
    db.session.expire_all()
    assert request.status == "completed"
    shown = page_text(client.get(f"/adhoc/{request.id}"))
    assert "The next invoice run invoices it." in shown and "They replaced the switch config." in shown
    # Nothing more can be done to it.
    assert client.get(f"/adhoc/{request.id}/time").status_code == 200
    assert client.get(f"/adhoc/{request.id}/complete").status_code == 302


def test_school_portal_authorise(world, client, login, make_school):
    request = new_request(world.maintained)  # estimated
    new_request(world.academy, "SR2")  # another school's: never shown
    user = login("school", school=world.maintained)
    portal = client.get("/adhoc/portal")
    text = page_text(portal)
    assert "Estimates waiting for your authorisation" in text and "SR1: Project service request" in text
    assert "SR2" not in text
    assert "£186.00 + VAT £37.20 = £223.20" in text  # 3 hours at £62
    no_tick = client.post(f"/adhoc/{request.id}/authorise", data={"name": "Jo Head"})
    assert error_beside(no_tick, "confirm") == "Tick the box to authorise the work."
    done = client.post(f"/adhoc/{request.id}/authorise", data={"name": "Jo Head", "confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/adhoc/portal")
    db.session.expire_all()
    assert (request.status, request.authorised_via, request.authorised_user_id, request.authorised_on) == (
        "authorised", "portal", user.id, date.today())
    assert "Nothing is waiting for you." in page_text(client.get("/adhoc/portal"))
    again = client.get(f"/adhoc/{request.id}/authorise", follow_redirects=True)
    assert "there is no estimate waiting for your authorisation" in page_text(again)


def test_school_portal_decline(world, client, login):
    request = new_request(world.maintained)
    login("school", school=world.maintained)
    empty = client.post(f"/adhoc/{request.id}/decline", data={"reason": ""})
    assert error_beside(empty, "reason") == "Give the reason."
    assert client.post(f"/adhoc/{request.id}/decline", data={"reason": "Too dear"}).status_code == 302
    db.session.expire_all()
    assert (request.status, request.declined_reason) == ("declined", "Too dear")


def test_documents(world, client, login):
    project = new_request(world.maintained)
    bare = new_request(world.maintained, "SR2", "out_of_scope", hours=None)
    rework = authorised(world.maintained, "SR3", "rework", hours=None, third_party="BrightSpark AV Ltd",
                        report="They replaced the switch config.")
    service.log_time(rework, JUNE, 70, "Sam")
    login("school", school=world.maintained)
    pdf = client.get(f"/adhoc/{project.id}/estimate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "estimate-SR1.pdf" in pdf.headers["Content-Disposition"]
    assert "SR1" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert client.get(f"/adhoc/{bare.id}/estimate.pdf").status_code == 404  # no estimate given
    assert client.get(f"/adhoc/{project.id}/report.pdf").status_code == 404  # not rework
    report = client.get(f"/adhoc/{rework.id}/report.pdf")
    text = PdfReader(io.BytesIO(report.data)).pages[0].extract_text()
    assert "They replaced the switch config." in text and "2 hours" in text


def test_staff_list_filters(world, client, login):
    new_request(world.maintained, "SR1")
    authorised(world.academy, "SR2")
    login("finance")
    everything = page_text(client.get("/adhoc/"))
    assert "SR1" in everything and "SR2" in everything and "Estimate sent: 1" in everything
    only = page_text(client.get("/adhoc/?status=authorised"))
    assert "SR2" in only and "SR1 " not in only
    by_school = page_text(client.get("/adhoc/?q=cardinal"))
    assert "SR2" in by_school and "Allesley" not in by_school
    assert "New request" not in everything  # finance reads; the SLA team manages


def test_import_page(world, client, login):
    authorised(world.maintained, "SR1")
    login("sla")
    log = b"urn,reference,kind,date,minutes,description\n103700,SR1,project,2025-06-02,70,Enrolled devices\n"
    done = client.post("/adhoc/import", data={"file": (io.BytesIO(log), "log.csv")},
                       content_type="multipart/form-data")
    assert "1 time entry added (70 minutes) to 1 request(s)" in page_text(done)
    twice = client.post("/adhoc/import", data={"file": (io.BytesIO(log), "log.csv")},
                        content_type="multipart/form-data")
    assert "log.csv was refused; nothing was changed." in page_text(twice)
    assert "imported before" in page_text(twice)
    assert db.session.scalar(select(func.count()).select_from(TimeEntry)) == 1
