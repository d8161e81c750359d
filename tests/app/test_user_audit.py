"""Every change to a user is audited (issue #16 item 6): creation, role, school, name,
deactivation and reactivation, an administrator's or operator's password reset, a user's own
password change, API tokens issued and revoked. Never a password or its hash."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "plum tractor violet 7"


def user_rows(action: str | None = None, entity: str = "User") -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity_type == entity)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def edit(client, user, **change):
    form = {"email": user.email, "name": user.name, "role": user.role, "school_urn": "", "password": "",
            "active": "y", **change}
    if form["active"] is None:
        del form["active"]
    response = client.post(f"/admin/users/{user.id}", data=form)
    assert response.status_code == 302, response.data[:800]


def assert_no_secret(rows: list[AuditEvent], *secrets: str) -> None:
    text = str([(row.summary, row.changes) for row in rows])
    for secret in secrets:
        assert secret not in text
    assert "pbkdf2" not in text and "scrypt" not in text


def test_creating_a_user_on_the_page_is_audited(client, login):
    admin = login("admin")
    response = client.post("/admin/users/new", data={"email": "New@Test.Example", "role": "finance",
                                                     "name": "New Officer", "school_urn": "",
                                                     "password": NEW_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@test.example"))
    [row] = user_rows("create")
    assert row.entity_id == str(user.id) and row.actor_id == admin.id
    assert row.changes == {"email": "new@test.example", "role": "finance", "name": "New Officer", "school": None}
    assert_no_secret([row], NEW_PASSWORD)


def test_a_role_change_is_audited(client, login, make_user):
    admin = login("admin")
    user = make_user("sla")
    edit(client, user, role="finance")
    [row] = user_rows("update")
    assert row.entity_id == str(user.id) and row.actor_id == admin.id
    assert row.changes == {"role": ["sla", "finance"]}
    assert "sla@test.example" in row.summary and "role 'sla' -> 'finance'" in row.summary


def test_deactivation_and_reactivation_are_audited(client, login, make_user):
    login("admin")
    user = make_user("sla")
    edit(client, user, active=None)
    edit(client, user)
    deactivated, reactivated = user_rows("update")
    assert deactivated.changes == {"active": [True, False]} and "deactivated" in deactivated.summary
    assert reactivated.changes == {"active": [False, True]} and "reactivated" in reactivated.summary


def test_a_school_change_is_audited(client, login, make_user, make_school):
    login("admin")
    first, second = make_school(urn=100100), make_school(urn=100200)
    user = make_user("school", school=first)
    edit(client, user, school_urn="100200")
    [row] = user_rows("update")
    assert row.changes == {"school": [100100, 100200]}
    assert second.id == db.session.get(User, user.id).school_id


def test_an_administrators_password_reset_is_audited_without_the_password(client, login, make_user):
    admin = login("admin")
    user = make_user("finance")
    edit(client, user, password=NEW_PASSWORD)
    [row] = user_rows("update")
    assert row.actor_id == admin.id and row.changes == {"password": [None, "reset"]}
    assert "password reset by an administrator" in row.summary
    assert_no_secret([row], NEW_PASSWORD)


def test_saving_without_a_change_writes_no_row(client, login, make_user):
    login("admin")
    user = make_user("finance")
    edit(client, user)
    assert user_rows("update") == []


def test_a_users_own_password_change_is_audited(client, login):
    user = login("finance")
    response = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    [row] = user_rows("update")
    assert row.actor_id == user.id and row.entity_id == str(user.id)
    assert row.changes == {"password": [None, "changed"]} and "changed their own password" in row.summary
    assert_no_secret([row], NEW_PASSWORD, PASSWORD)


def test_a_refused_change_writes_no_row(client, login, make_user):
    login("admin")
    user = make_user("finance")
    client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": "", "role": "sla",
                                                 "school_urn": "", "password": "password12", "active": "y"})
    client.post("/account/password", data={"current": PASSWORD, "new": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    assert user_rows("update") == []


def test_the_command_lines_changes_are_audited(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "cli@test.example", "--role", "sla", "--password-stdin"],
                           input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "password", "cli@test.example", "--password-stdin"],
                           input="another-long-pass\n")
    assert result.exit_code == 0, result.output
    created, reset = user_rows()
    assert created.action == "create" and created.actor_label.startswith("command line (")
    assert reset.action == "update" and reset.changes == {"password": [None, "reset"]}
    assert "password reset by an operator" in reset.summary and reset.actor_label.startswith("command line (")
    assert_no_secret([created, reset], NEW_PASSWORD, "another-long-pass")


def test_api_tokens_issued_and_revoked_are_audited(app, client, login, make_user):
    user = make_user("finance")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email])
    assert result.exit_code == 0
    token = result.output.strip()
    login("admin")
    assert client.post(f"/admin/users/{user.id}/revoke-tokens").status_code == 302
    issued, revoked = user_rows(entity="ApiToken")
    assert issued.action == "create" and issued.entity_id == str(user.id) and token[:10] in issued.summary
    assert revoked.action == "update" and "1 API token(s) of finance@test.example revoked" in revoked.summary
    assert_no_secret([issued, revoked], token)


def test_the_audit_page_shows_sign_ins_and_user_changes(client, login, make_user):
    user = make_user("finance")
    client.post("/login", data={"email": user.email, "password": "wrong password here"})
    login("admin")
    edit(client, user, role="sla")
    html = client.get("/admin/audit?entity=User&action=login_failed").get_data(as_text=True)
    assert "failed sign-in as finance@test.example" in html and "wrong password" in html
    assert "role &#39;finance&#39; -&gt; &#39;sla&#39;" not in html  # filtered out
    html = client.get("/admin/audit?entity=User&action=update").get_data(as_text=True)
    assert "<code>role</code>: finance → sla" in html
