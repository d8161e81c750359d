"""The password rule (issue #16 item 5): not blank, at least 10 characters, not one character
repeated, not easy to guess (zxcvbn) - at every door that sets a password."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import User
from contracts_app.services import users as user_service
from contracts_app.services.demo.council import DEMO_PASSWORDS
from tests.conftest import PASSWORD

# (password, what the message says)
WEAK = [
    ("", "must not be blank"),
    (" " * 10, "must not be blank or only spaces"),
    ("\t \t \t \t \t ", "must not be blank or only spaces"),
    ("aaaaaaaaaa", "must not be one character repeated"),
    ("0000000000000", "must not be one character repeated"),
    ("password12", "too easy to guess: This is a very common password."),
    ("Password123!", "too easy to guess"),
    ("qwertyuiop", "too easy to guess: This is a top-100 common password."),
    ("1234567890", "too easy to guess"),
    ("abcabcabcabc", "too easy to guess"),
    ("short", "at least 10 characters"),
    ("x" * 150 + "y" * 100, "at most 200 characters"),
]
WEAK_IDS = [repr(p[:12]) for p, _ in WEAK]
STRONG = ["correct-horse-battery", "another-long-pass", "a long enough password", "plum tractor violet 7"]


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
def test_the_rule_refuses_weak_passwords_with_a_reason(app, password, message):
    with pytest.raises(user_service.PasswordRefused, match=message.replace(".", r"\.")):
        user_service.check_password_strength(password)


@pytest.mark.parametrize("password", STRONG + [PASSWORD])
def test_the_rule_accepts_strong_passwords(app, password):
    user_service.check_password_strength(password, user_inputs=("someone@test.example", "Some One"))


def test_a_password_made_of_the_users_own_email_is_refused(app):
    user_service.check_password_strength("jane.morrison1")
    with pytest.raises(user_service.PasswordRefused, match="too easy to guess"):
        user_service.check_password_strength("jane.morrison1", user_inputs=("jane.morrison1@school.example",))


@pytest.mark.parametrize(("email", "password"), DEMO_PASSWORDS.values())
def test_the_demo_passwords_pass_the_rule(app, email, password):
    user_service.check_password_strength(password, user_inputs=(email, "Demo user"))


# -- every door --------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "message"), WEAK[1:7], ids=WEAK_IDS[1:7])
def test_the_add_a_user_page_refuses_a_weak_password(client, login, password, message):
    login("admin")
    response = client.post("/admin/users/new", data={"email": "new@test.example", "role": "admin",
                                                     "name": "", "school_urn": "", "password": password})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="password-error">The password ' in html and message.split(":")[0] in html
    assert db.session.scalar(select(User).where(User.email == "new@test.example")) is None


@pytest.mark.parametrize(("password", "message"), WEAK[1:7], ids=WEAK_IDS[1:7])
def test_an_administrators_password_reset_refuses_a_weak_password(client, login, make_user, password, message):
    login("admin")
    user = make_user("finance")
    before = user.password_hash
    response = client.post(f"/admin/users/{user.id}", data={"email": user.email, "role": "sla", "name": "",
                                                            "school_urn": "", "password": password,
                                                            "active": "y"})
    assert response.status_code == 200
    assert 'id="password-error">The password ' in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.password_hash == before and user.role == "finance"  # nothing of the form is saved


def test_an_administrators_password_reset_with_a_good_password_is_saved(client, login, make_user):
    login("admin")
    user = make_user("finance")
    response = client.post(f"/admin/users/{user.id}", data={"email": user.email, "role": "finance", "name": "",
                                                            "school_urn": "", "password": "plum tractor violet 7",
                                                            "active": "y"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("plum tractor violet 7")


@pytest.mark.parametrize(("password", "message"), WEAK[1:7] + WEAK[10:11], ids=WEAK_IDS[1:7] + WEAK_IDS[10:11])
def test_the_change_password_page_refuses_a_weak_password(client, login, password, message):
    user = login("sla")
    before = user.password_hash
    response = client.post("/account/password", data={"current": PASSWORD, "new": password, "confirm": password})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="new-error">The password ' in html and message.split(":")[0] in html
    assert db.session.get(User, user.id).password_hash == before


def test_the_change_password_page_still_checks_the_current_password(client, login):
    user = login("sla")
    response = client.post("/account/password", data={"current": "wrong", "new": "plum tractor violet 7",
                                                       "confirm": "plum tractor violet 7"})
    assert b"not your current password" in response.data
    assert db.session.get(User, user.id).check_password(PASSWORD)


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


@pytest.mark.parametrize(("password", "message"), WEAK[1:7], ids=WEAK_IDS[1:7])
def test_the_users_create_command_refuses_a_weak_password(app, password, message):
    result = run(app, "users", "create", "a@b.example", "--role", "admin", "--password-stdin",
                 input=password + "\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Error: the password " in result.output and message.split(":")[0] in result.output
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize(("password", "message"), WEAK[1:7], ids=WEAK_IDS[1:7])
def test_the_users_password_command_refuses_a_weak_password(app, make_user, password, message):
    user = make_user("admin")
    before = user.password_hash
    result = run(app, "users", "password", user.email, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1 and message.split(":")[0] in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_the_users_password_command(app, make_user):
    user = make_user("admin")
    assert run(app, "users", "password", user.email).exit_code == 2  # never from the command line
    result = run(app, "users", "password", "nobody@b.example", "--password-stdin", input="plum tractor violet 7\n")
    assert result.exit_code == 1 and "no user with email nobody@b.example" in result.output
    result = run(app, "users", "password", user.email.upper(), "--password-stdin", input="plum tractor violet 7\n")
    assert result.exit_code == 0, result.output
    assert db.session.get(User, user.id).check_password("plum tractor violet 7")


def test_the_demo_door_uses_the_rule(app, monkeypatch):
    from contracts_app.services.demo import council

    monkeypatch.setitem(council.DEMO_PASSWORDS, "admin", ("admin@demo.example", "password12"))
    result = run(app, "demo", "--year", "2026")
    assert result.exit_code == 1 and "too easy to guess" in result.output
