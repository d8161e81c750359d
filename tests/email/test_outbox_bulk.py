"""Issue #30: the outbox sorts by its columns, and failed messages chosen on it are sent again together,
after a confirmation naming how many; a choice holding one that is not failed queues nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import OutboxMessage


def _message(n: int, state: str, recipient: str) -> int:
    message = OutboxMessage(key=f"bulk:{n}", purpose="test", concerns_type="user", concerns_id=n, recipient=recipient,
                            subject=f"Message {n}", body_text="Hello", body_html="<p>Hello</p>", state=state,
                            attempts=6 if state == "failed" else 1, last_error="550" if state == "failed" else "")
    db.session.add(message)
    db.session.commit()
    return message.id


@pytest.fixture
def messages(app):
    return {"failed_b": _message(1, "failed", "b@x.example"), "sent": _message(2, "sent", "c@x.example"),
            "failed_a": _message(3, "failed", "a@x.example")}


def _states() -> dict[int, str]:
    return dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.state)).all())


def test_the_outbox_sorts_by_recipient_and_offers_a_choice_only_for_failed_messages(messages, client, login):
    login("admin")
    page = client.get("/admin/outbox/?sort=to&dir=asc").get_data(as_text=True)
    assert re.findall(r"<td>(\w@x\.example)</td>", page) == ["a@x.example", "b@x.example", "c@x.example"]
    assert sorted(map(int, re.findall(r'name="ids" value="(\d+)"', page))) == sorted(
        [messages["failed_a"], messages["failed_b"]])
    assert client.get("/admin/outbox/?sort=body").status_code == 400


def test_chosen_failed_messages_are_queued_again_after_a_confirmation_naming_the_count(messages, client, login):
    login("admin")
    chosen = {"ids": [str(messages["failed_a"]), str(messages["failed_b"])], "back": "/admin/outbox/?state=failed"}
    confirm = client.post("/admin/outbox/retry", data=chosen)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Send 2 failed message(s) again?" in html
    assert set(_states().values()) == {"failed", "sent"}  # nothing yet
    done = client.post("/admin/outbox/retry", data={**chosen, "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/outbox/?state=failed")
    states = _states()
    assert states[messages["failed_a"]] == states[messages["failed_b"]] == "queued"
    assert states[messages["sent"]] == "sent"
    again = client.post("/admin/outbox/retry", data={**chosen, "confirmed": "1"}, follow_redirects=True)
    assert "Nothing queued: only failed messages can be sent again" in again.get_data(as_text=True)


@pytest.mark.parametrize("ids, named", [(["sent"], "is sent"), ([], "choose at least one failed message"),
                                        (["x"], "not a message number"), (["999999"], "no outbox message 999999")])
def test_a_choice_that_cannot_all_be_sent_again_queues_nothing(messages, client, login, ids, named):
    login("admin")
    values = [str(messages[i]) if i in messages else i for i in ids] + [str(messages["failed_a"])] * bool(ids)
    response = client.post("/admin/outbox/retry", data={"ids": values, "confirmed": "1"}, follow_redirects=True)
    assert named in response.get_data(as_text=True)
    assert _states()[messages["failed_a"]] == "failed"


@pytest.mark.parametrize("role, status", [("sla", 403), ("finance", 403), ("school", 403), ("admin", 302)])
def test_only_an_administrator_sends_chosen_messages_again(messages, client, login, make_school, role, status):
    login(role, school=make_school() if role == "school" else None)
    response = client.post("/admin/outbox/retry", data={"ids": [str(messages["failed_a"])], "confirmed": "1"})
    assert response.status_code == status
    assert _states()[messages["failed_a"]] == ("queued" if role == "admin" else "failed")


def test_the_outbox_exports_what_is_filtered_in_its_order_without_bodies(messages, client, login):
    import csv
    import io

    login("admin")
    export = client.get("/admin/outbox/?state=failed&sort=to&dir=desc&export=csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [(r["to"], r["state"], r["attempts"]) for r in rows] == [("b@x.example", "failed", "6"),
                                                                    ("a@x.example", "failed", "6")]
    assert "Hello" not in export.get_data(as_text=True)
    assert client.get("/admin/outbox/?export=pdf").status_code == 400
