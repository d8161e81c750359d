"""Confirmation before retiring a catalogue service, removing a key stakeholder and withdrawing a
draft (issue #30): the first POST shows what follows and changes nothing; only the confirmed POST acts.
A retired service comes back through the page and the `catalogue reinstate` command."""
from __future__ import annotations

from html import unescape

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, KeyStakeholder, Service
from contracts_app.services import agreements as agreement_service


def _service(code: str = "WIFI") -> Service:
    db.session.expire_all()
    return db.session.scalar(select(Service).where(Service.code == code))


def _add_service(code: str = "WIFI") -> None:
    db.session.add(Service(code=code, title="Wireless network support", category="Network"))
    db.session.commit()


def test_retiring_a_service_asks_first_naming_the_agreements_that_keep_it(client, login, make_school):
    _add_service()
    draft = agreement_service.create_draft(2026, school=make_school(urn=103700), from_catalogue=False)
    db.session.add(AgreementLine(agreement=draft, service=_service(), service_code="WIFI", title="Wi-Fi",
                                 list_name="subscribed"))
    db.session.commit()
    login("sla")
    page = unescape(client.post("/catalogue/WIFI/retire").get_data(as_text=True))
    assert "Retire WIFI Wireless network support?" in page
    assert "1 live agreement(s) carry it and keep it" in page
    assert "flask catalogue reinstate WIFI" in page and "This cannot be undone" not in page
    assert 'name="confirmed" value="1"' in page
    assert not _service().retired  # nothing changed before the confirmed POST

    done = client.post("/catalogue/WIFI/retire", data={"confirmed": "1"}, follow_redirects=True)
    assert "Service WIFI retired: it stays on existing agreements." in done.get_data(as_text=True)
    assert _service().retired


def test_a_retired_service_is_brought_back_from_the_page(client, login):
    _add_service()
    login("sla")
    client.post("/catalogue/WIFI/retire", data={"confirmed": "1"})
    listed = client.get("/catalogue/?retired=1").get_data(as_text=True)
    assert 'action="/catalogue/WIFI/reinstate"' in listed
    back = client.post("/catalogue/WIFI/reinstate", follow_redirects=True).get_data(as_text=True)
    assert "Service WIFI is back in the catalogue." in back
    assert not _service().retired
    again = client.post("/catalogue/WIFI/reinstate", follow_redirects=True).get_data(as_text=True)
    assert "is not retired: it is already in the catalogue" in again
    # A confirmed retirement posted twice (a double click) does not bring the service back.
    client.post("/catalogue/WIFI/retire", data={"confirmed": "1"})
    twice = client.post("/catalogue/WIFI/retire", data={"confirmed": "1"}, follow_redirects=True)
    assert "Service WIFI is already retired." in twice.get_data(as_text=True)
    assert _service().retired


def test_retire_and_reinstate_commands(app):
    _add_service()
    runner = app.test_cli_runner()
    declined = runner.invoke(args=["catalogue", "retire", "wifi"], input="n\n")
    assert declined.exit_code == 1 and "0 live agreement(s) keep it" in declined.output
    assert not _service().retired
    done = runner.invoke(args=["catalogue", "retire", "WIFI", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Undo with: flask catalogue reinstate WIFI" in done.output and _service().retired
    twice = runner.invoke(args=["catalogue", "retire", "WIFI", "--yes"])
    assert twice.exit_code == 1 and "already retired" in twice.output and "Traceback" not in twice.output
    back = runner.invoke(args=["catalogue", "reinstate", "WIFI"])
    assert back.exit_code == 0 and "WIFI is back in the catalogue." in back.output and not _service().retired
    unknown = runner.invoke(args=["catalogue", "reinstate", "NOPE"])
    assert unknown.exit_code == 1 and "No catalogue service has the code 'NOPE'" in unknown.output


def test_removing_a_key_stakeholder_asks_first(client, login, make_school):
    school = make_school(urn=103700, name="Allesley Primary School")
    db.session.add(KeyStakeholder(school=school, name="Jane Smith", role="Bursar", email="jane@school.example",
                                  invoices=True, agreements=False, notices=True))
    db.session.commit()
    contact = db.session.scalar(select(KeyStakeholder))
    login("school", school=school)  # a school removes its own contacts too
    url = f"/schools/103700/stakeholders/{contact.id}/delete"
    page = unescape(client.post(url).get_data(as_text=True))
    assert "Remove Jane Smith from Allesley Primary School?" in page
    assert "They stop receiving the school's invoices, notices by email." in page
    assert db.session.scalar(select(KeyStakeholder)) is not None
    done = client.post(url, data={"confirmed": "1"}, follow_redirects=True)
    assert "Jane Smith removed." in done.get_data(as_text=True)
    assert db.session.scalar(select(KeyStakeholder)) is None


def test_withdrawing_a_draft_asks_first(client, login, make_school):
    draft = agreement_service.create_draft(2026, school=make_school(urn=103700), from_catalogue=False)
    login("sla")
    url = f"/agreements/{draft.id}/withdraw"
    page = unescape(client.post(url).get_data(as_text=True))
    assert f"Withdraw the draft {draft.name}?" in page and "This cannot be undone." in page
    db.session.expire_all()
    assert db.session.get(Agreement, draft.id).status == "draft"
    done = client.post(url, data={"confirmed": "1"}, follow_redirects=True)
    assert f"Draft {draft.name} withdrawn." in unescape(done.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Agreement, draft.id).status == "cancelled"
    # Confirmed again (a second tab): refused with the reason, not a confirmation page.
    again = client.post(url, data={"confirmed": "1"}, follow_redirects=True)
    assert "only a draft can be withdrawn" in again.get_data(as_text=True)
