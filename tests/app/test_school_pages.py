"""The school list, the school page, key stakeholders and the customer-type override."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, KeyStakeholder, School


def test_list_searches_by_name_urn_and_postcode(client, login, make_school):
    make_school(urn=103700, name="Allesley Primary School", postcode="CV5 9FY")
    make_school(urn=140001, name="Cardinal Newman Academy", establishment_type="Academy converter",
                postcode="CV6 1AB")
    login("finance")
    by_name = client.get("/schools/?q=allesley").get_data(as_text=True)
    assert "Allesley Primary School" in by_name and "Cardinal Newman" not in by_name
    by_urn = client.get("/schools/?q=140001").get_data(as_text=True)
    assert "Cardinal Newman" in by_urn and "Allesley" not in by_urn
    by_postcode = client.get("/schools/?q=cv59").get_data(as_text=True)
    assert "Allesley Primary School" in by_postcode and "Cardinal Newman" not in by_postcode
    academies = client.get("/schools/?type=academy").get_data(as_text=True)
    assert "Cardinal Newman" in academies and "Allesley" not in academies
    assert "No schools match" in client.get("/schools/?q=zzz").get_data(as_text=True)


def test_list_paginates(client, login, make_school, app):
    app.config["PAGE_SIZE"] = 5
    for i in range(12):
        make_school(name=f"School {i:02d}")
    login("sla")
    page2 = client.get("/schools/?page=2").get_data(as_text=True)
    assert "Page 2 of 3: 6&ndash;10 of 12" in page2
    assert "School 05" in page2 and "School 04" not in page2 and "School 10" not in page2
    assert "Page 3 of 3" in client.get("/schools/?page=99").get_data(as_text=True)


def test_add_edit_remove_stakeholder_is_audited(client, login, make_school):
    s = make_school(urn=103700)
    user = login("sla")
    response = client.post("/schools/103700/stakeholders/new",
                           data={"name": "Jane Smith", "role": "Headteacher", "email": "jane@school.example",
                                 "phone": "024 7612 3456"})
    assert response.status_code == 302
    contact = db.session.scalar(select(KeyStakeholder))
    assert (contact.name, contact.school_id) == ("Jane Smith", s.id)
    client.post(f"/schools/103700/stakeholders/{contact.id}/edit",
                data={"name": "Jane Smith", "role": "Executive Headteacher", "email": "jane@school.example",
                      "phone": "024 7612 3456"})
    db.session.refresh(contact)
    assert contact.role == "Executive Headteacher"
    client.post(f"/schools/103700/stakeholders/{contact.id}/delete", data={"confirmed": "1"})
    assert db.session.scalar(select(KeyStakeholder)) is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "KeyStakeholder")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor_label == user.email for e in events)
    assert events[1].changes == {"role": ["Headteacher", "Executive Headteacher"]}


def test_stakeholder_form_errors_beside_fields(client, login, make_school):
    make_school(urn=103700)
    login("sla")
    response = client.post("/schools/103700/stakeholders/new",
                           data={"name": "", "role": "Head", "email": "not-an-email", "phone": "call me"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in text and 'id="email-error"' in text and 'id="phone-error"' in text
    assert db.session.scalar(select(KeyStakeholder)) is None


def test_school_user_keeps_own_contacts(client, login, make_school):
    s = make_school(urn=103700)
    login("school", school=s)
    response = client.post("/schools/103700/stakeholders/new",
                           data={"name": "Data Manager", "role": "Data Manager", "email": "", "phone": ""})
    assert response.status_code == 302
    page = client.get("/schools/103700").get_data(as_text=True)
    assert "Data Manager" in page and "Customer type override" not in page


def test_customer_type_override_needs_reason_and_is_audited(client, login, make_school):
    make_school(urn=125500, establishment_type="Community school", la_code=937)
    login("sla")
    response = client.post("/schools/125500/customer-type", data={"override": "maintained", "reason": ""})
    assert response.status_code == 400
    assert "Say why" in response.get_data(as_text=True)
    school = db.session.scalar(select(School).where(School.urn == 125500))
    assert school.customer_type == "academy"
    client.post("/schools/125500/customer-type", data={"override": "maintained", "reason": "SLA with LA 937"})
    db.session.refresh(school)
    assert (school.customer_type, school.override_reason) == ("maintained", "SLA with LA 937")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "School",
                                                       AuditEvent.action == "update"))
    assert event.changes["customer_type_override"] == [None, "maintained"]
    client.post("/schools/125500/customer-type", data={"override": "", "reason": ""})
    db.session.refresh(school)
    assert school.customer_type == "academy" and school.override_reason is None


def test_import_page_refuses_bad_file_with_rows_named(client, login):
    import io

    login("sla")
    bad = b"URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name)\n12x,A,Community school,141,C\n"
    response = client.post("/schools/import", data={"file": (io.BytesIO(bad), "gias.csv")},
                           content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert "nothing was changed" in text and "row 2, column URN" in text
    assert db.session.scalar(select(School)) is None


def test_audit_page_filters(client, login, make_school):
    make_school(urn=103700, name="Audited School")
    login("admin")
    client.post("/schools/103700/stakeholders/new", data={"name": "A Person", "role": "Head"})
    page = client.get("/admin/audit?entity=KeyStakeholder").get_data(as_text=True)
    assert "A Person" in page
    assert "A Person" not in client.get("/admin/audit?entity=School").get_data(as_text=True)
    assert "is not a date" in client.get("/admin/audit?from=yesterday", follow_redirects=True).get_data(as_text=True)


def test_audit_trail_is_append_only(app, make_school):
    import pytest

    make_school()
    event = db.session.scalars(select(AuditEvent)).first()
    event.summary = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
