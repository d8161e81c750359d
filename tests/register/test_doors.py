"""Every door of register changes (issue #28): the page, `schools changes`, the API; who may use
them; every refusal a message, never a 500."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, RegisterChange
from contracts_app.services.users import issue_token
from tests.register import world

CHANGES = "/schools/changes/"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- the page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role,status", [("sla", 200), ("admin", 200), ("finance", 403), ("school", 403)])
def test_page_access_per_role(app, client, login, make_school, role, status):
    w = world.conversion()
    login(role, school=make_school() if role == "school" else None)
    assert client.get(CHANGES).status_code == status
    assert client.get(f"{CHANGES}{w['agreement'].id}").status_code == status
    posted = client.post(f"{CHANGES}{w['agreement'].id}", data={"credit_date": "2026-12-07"})
    assert posted.status_code == (302 if status == 200 else 403)
    assert _count(RegisterChange) == (1 if status == 200 else 0)


def test_page_lists_confirms_and_applies_once(app, client, login):
    w = world.conversion()
    change = w["agreement"].id
    login("sla")
    listing = client.get(CHANGES).get_data(as_text=True)
    assert "Conversion to academy" in listing and "990003" in listing and "£1,907.88" in listing
    assert "£3,942.50" in listing
    page = client.get(f"{CHANGES}{change}").get_data(as_text=True)
    for words in ("30 November 2026", "£1,639.90 net, £1,907.88 with VAT", "annual total £3,942.50",
                  "1 December 2026 to 31 March 2027", "Left out (no academy price): SIMS", "purchase-order number"):
        assert words in page, words
    assert _count(RegisterChange) == 0  # showing changes nothing
    bad = client.post(f"{CHANGES}{change}", data={"po_number": "PO\n1"})
    assert bad.status_code == 400 and "must be one line" in bad.get_data(as_text=True)
    assert _count(RegisterChange) == 0
    done = client.post(f"{CHANGES}{change}", data={"po_number": "PO-NEW", "credit_date": "2026-12-07"},
                       follow_redirects=True)
    assert done.status_code == 200 and "ended on 30 November 2026" in done.get_data(as_text=True)
    again = client.post(f"{CHANGES}{change}", data={"po_number": "PO-NEW"}, follow_redirects=True)
    assert "Already applied" in again.get_data(as_text=True)
    assert _count(RegisterChange) == 1 and _count(Invoice) == 2


def test_page_refusal_is_a_message(app, client, login):
    w = world.conversion()
    login("sla")
    # A credit-note date outside the 2026-27 window: refused by the credit-note rules, nothing changes.
    response = client.post(f"{CHANGES}{w['agreement'].id}", data={"credit_date": "2031-01-01"})
    assert response.status_code == 400 and "outside the 2026-27 window" in response.get_data(as_text=True)
    assert db.session.get(Agreement, w["agreement"].id).status == "active"
    assert client.get(f"{CHANGES}999999").status_code == 404
    assert client.get(f"{CHANGES}99999999999").status_code == 404


# -- the command ------------------------------------------------------------------------------

def test_command_lists_and_applies(app):
    w = world.conversion()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["schools", "changes"])
    assert listed.exit_code == 0, listed.output
    assert f"[{w['agreement'].id}] pending: Conversion to academy" in listed.output
    assert "£1,907.88" in listed.output and "annual total £3,942.50" in listed.output
    applied = runner.invoke(args=["schools", "changes", "--apply", str(w["agreement"].id), "--po", "PO-9",
                                  "--date", "2026-12-07"])
    assert applied.exit_code == 0 and "converted to academy URN 150003" in applied.output, applied.output
    again = runner.invoke(args=["schools", "changes", "--apply", str(w["agreement"].id)])
    assert again.exit_code == 0 and "Already applied" in again.output
    assert db.session.scalar(select(Agreement.po_number).where(Agreement.status == "active")) == "PO-9"


def test_command_refusals(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["schools", "changes", "--apply", "4242"])
    assert unknown.exit_code == 1 and "no register change 4242" in unknown.output
    assert runner.invoke(args=["schools", "changes", "--apply", "1", "--date", "soon"]).exit_code == 2
    assert "No register changes" in runner.invoke(args=["schools", "changes"]).output


# -- the API ----------------------------------------------------------------------------------

def _token(make_user, role: str, school=None) -> dict:
    user = make_user(role, school=school)
    return {"Authorization": f"Bearer {issue_token(user.email)}"}


@pytest.mark.parametrize("role,status", [("sla", 200), ("admin", 200), ("finance", 403), ("school", 403)])
def test_api_access_per_role(app, client, make_user, make_school, role, status):
    w = world.conversion()
    headers = _token(make_user, role, make_school() if role == "school" else None)
    assert client.get("/api/v1/register-changes", headers=headers).status_code == status
    response = client.post(f"/api/v1/register-changes/{w['agreement'].id}/apply", headers=headers,
                           json={"credit_date": "2026-12-07"})
    assert response.status_code == status, response.get_json()


def test_api_lists_and_applies_once(app, client, make_user):
    w = world.conversion()
    headers = _token(make_user, "sla")
    (item,) = client.get("/api/v1/register-changes", headers=headers).get_json()["items"]
    assert (item["state"], item["kind"], item["end_date"], item["credited"]) == (
        "pending", "conversion", "2026-11-30", "1907.88")
    assert item["successors"][0]["annual_total"] == "3942.50" and item["successors"][0]["left_out"] == ["SIMS"]
    url = f"/api/v1/register-changes/{w['agreement'].id}/apply"
    first = client.post(url, headers=headers, json={"po_number": "PO-API", "credit_date": "2026-12-07"})
    assert first.status_code == 200 and first.get_json()["changed"] is True
    assert first.get_json()["change"]["state"] == "applied" and first.get_json()["credit_notes"] == ["CRN-2026-000001"]
    second = client.post(url, headers=headers, json={})
    assert second.status_code == 200 and second.get_json()["changed"] is False
    assert _count(RegisterChange) == 1


def test_api_refusals_are_messages(app, client, make_user):
    w = world.conversion()
    headers = _token(make_user, "sla")
    url = f"/api/v1/register-changes/{w['agreement'].id}/apply"
    assert client.post("/api/v1/register-changes/4242/apply", headers=headers, json={}).status_code == 404
    bad = client.post(url, headers=headers, json={"po_number": "PO\u0007"})
    assert bad.status_code == 400 and "po_number" in bad.get_json()["fields"]
    late = client.post(url, headers=headers, json={"credit_date": "2031-01-01"})
    assert late.status_code == 409 and "window" in late.get_json()["detail"]
    world.close(w["maintained"], date(2026, 11, 30), status="Open, but proposed to close")
    upcoming = client.post(url, headers=headers, json={})
    assert upcoming.status_code == 409 and "proposed to close" in upcoming.get_json()["detail"]
    assert _count(RegisterChange) == 0
