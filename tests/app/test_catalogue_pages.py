"""The service catalogue pages: the SLA team adds, edits and retires services."""
from __future__ import annotations

from html import unescape

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Service

WIFI = {"code": "wifi", "title": "Wireless network support", "category": "Connectivity", "unit": "site",
        "default_list": "additional", "description": "Management of the school's wireless access points."}


def services() -> int:
    return db.session.scalar(select(func.count()).select_from(Service))


def test_sla_team_adds_a_service(client, login):
    user = login("sla")
    assert "No services yet." in client.get("/catalogue/").get_data(as_text=True)
    response = client.post("/catalogue/new", data=WIFI, follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert "Service WIFI added to the catalogue." in html
    assert "<code>WIFI</code>" in html and "Wireless network support" in html and "Connectivity" in html
    service = db.session.scalar(select(Service))
    assert (service.code, service.unit, service.default_list, service.retired) == ("WIFI", "site", "additional",
                                                                                  False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "Service"))
    assert (event.action, event.actor_label, event.changes["code"]) == ("create", user.email, "WIFI")


def test_bad_service_input_is_shown_beside_the_field(client, login):
    login("sla")
    client.post("/catalogue/new", data=WIFI)
    cases = [
        ({**WIFI, "code": "WIFI"}, "code", "A service with code WIFI already exists."),
        ({**WIFI, "code": "adhoc"}, "code", "ADHOC is reserved for the ad hoc hourly rate in price lists."),
        ({**WIFI, "code": "WI FI"}, "code", "Letters, digits, - and _ only."),
        ({**WIFI, "code": "WIFI2", "title": ""}, "title", "This field is required."),
    ]
    for data, field, message in cases:
        response = client.post("/catalogue/new", data=data)
        assert response.status_code == 200
        assert f'<p class="error" id="{field}-error">{message}</p>' in response.get_data(as_text=True), data
    assert services() == 1


def test_editing_a_service_keeps_its_code(client, login):
    login("sla")
    client.post("/catalogue/new", data=WIFI)
    form = client.get("/catalogue/WIFI/edit").get_data(as_text=True)
    assert "<code>WIFI</code>" in form and 'value="Wireless network support"' in form
    response = client.post("/catalogue/WIFI/edit", data={**WIFI, "code": "OTHER", "title": "Wi-Fi support",
                                                         "default_list": "subscribed"}, follow_redirects=True)
    assert "Service WIFI saved." in response.get_data(as_text=True)
    service = db.session.scalar(select(Service))
    assert (service.code, service.title, service.default_list) == ("WIFI", "Wi-Fi support", "subscribed")
    blank = client.post("/catalogue/WIFI/edit", data={**WIFI, "title": ""})
    assert '<p class="error" id="title-error">This field is required.</p>' in blank.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Service)).title == "Wi-Fi support"
    assert client.get("/catalogue/NOPE/edit").status_code == 404


def test_retiring_a_service_hides_it_from_new_sales(client, login):
    login("sla")
    client.post("/catalogue/new", data=WIFI)
    client.post("/catalogue/new", data={**WIFI, "code": "BACKUP", "title": "Remote backup"})
    html = client.post("/catalogue/WIFI/retire", data={"confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Service WIFI retired: it stays on existing agreements." in html
    assert "<code>WIFI</code>" not in html and "<code>BACKUP</code>" in html
    assert db.session.scalar(select(Service).where(Service.code == "WIFI")).retired
    everything = client.get("/catalogue/?retired=1").get_data(as_text=True)
    row = everything[everything.index("<code>WIFI</code>"):]
    assert "retired" in row[:row.index("</tr>")] and "Bring back" in row[:row.index("</tr>")]
    check = client.get("/prices/check").get_data(as_text=True)
    assert 'value="BACKUP"' in check and 'value="WIFI"' not in check

    back = client.post("/catalogue/WIFI/reinstate", follow_redirects=True).get_data(as_text=True)
    assert "Service WIFI is back in the catalogue." in back
    db.session.expire_all()
    assert not db.session.scalar(select(Service).where(Service.code == "WIFI")).retired


def test_finance_reads_the_catalogue_but_cannot_change_it(client, login, app):
    db.session.add(Service(code="WIFI", title="Wireless network support"))
    db.session.commit()
    login("finance")
    html = client.get("/catalogue/").get_data(as_text=True)
    assert "<code>WIFI</code>" in html and "Add a service" not in html and "Retire" not in html
    assert client.post("/catalogue/new", data={**WIFI, "code": "NEW"}).status_code == 403
    assert client.post("/catalogue/WIFI/retire").status_code == 403
    assert services() == 1
