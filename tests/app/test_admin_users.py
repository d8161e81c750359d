"""The administrator's "Add a user" page: no role is chosen for them (issue 15 item 17)."""
from __future__ import annotations

import re

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import User

NEW = {"email": "new.finance@test.example", "name": "New Officer", "school_urn": "",
       "password": "a long enough password"}


def role_select(html: str) -> str:
    return re.search(r'<select[^>]*name="role".*?</select>', html, re.S).group(0)


def test_the_add_a_user_form_preselects_no_role(client, login):
    login("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    select_html = role_select(html)
    assert "selected" not in select_html.replace('<option selected value="">', "")
    assert re.search(r'<option (selected )?value="">Choose a role</option>', select_html)
    assert select_html.index('value=""') < select_html.index('value="admin"')


def test_saving_a_new_user_without_a_role_is_refused_with_a_message(client, login):
    login("admin")
    response = client.post("/admin/users/new", data={**NEW, "role": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="error" id="role-error">Choose the user&#39;s role.</p>' in html
    assert db.session.scalar(select(User).where(User.email == NEW["email"])) is None
    missing = client.post("/admin/users/new", data=NEW)  # no role field at all
    assert '<p class="error" id="role-error">Choose the user&#39;s role.</p>' in missing.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == NEW["email"])) is None


def test_a_chosen_role_is_saved_and_editing_keeps_the_users_role(client, login):
    login("admin")
    response = client.post("/admin/users/new", data={**NEW, "role": "finance"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == NEW["email"]))
    assert user.role == "finance"
    form = role_select(client.get(f"/admin/users/{user.id}").get_data(as_text=True))
    assert re.search(r'<option selected value="finance">Finance</option>', form)
    assert '<option selected value="">' not in form
