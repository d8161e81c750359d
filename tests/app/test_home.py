"""The staff home (issue #30): the SLA team's year as a task list, the administrator's checks,
each role its own home; every item counted without a query per school, offer or user."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Job, Offer, OutboxMessage, User
from contracts_app.services import home
from contracts_app.services.agreements import create_draft
from tests.agreements_fixtures import add_census
from tests.rounds.conftest import NEXT, THIS, base_world, publish_next_year, world  # noqa: F401

LABEL = SlaYear(NEXT).label


def task_html(html: str, key: str) -> str:
    found = re.search(rf'<li class="task" id="task-{key}">(.*?)</li>\s*(?=<li class="task"|</ol>)', html, re.S)
    assert found, f"no task {key}"
    return found.group(1)


def status_of(html: str, key: str) -> str:
    return re.search(rf'id="task-{key}-status">([^<]*)<', task_html(html, key)).group(1)


def test_a_year_with_nothing_done_yet(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    html = client.get("/").get_data(as_text=True)
    assert f"The {LABEL} year at a glance" in html
    assert status_of(html, "register") == "To do" and "No GIAS file imported yet." in task_html(html, "register")
    assert status_of(html, "round") == "To do" and "Not open yet." in task_html(html, "round")
    assert status_of(html, "prices") == "To do" and "No price list yet" in task_html(html, "prices")
    assert "None issued yet." in task_html(html, "issued")
    assert status_of(html, "changes") == "Done" and "None waiting." in task_html(html, "changes")


def test_each_task_links_to_where_it_is_done(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    html = client.get("/").get_data(as_text=True)
    expected = {"register": "/schools/import", "census": f"/census/missing?year={NEXT}",
                "prices": f"/prices/{NEXT}", "round": f"/rounds/?year={NEXT}",
                "drafts": f"/agreements/?year={NEXT}&amp;status=draft", "issued": f"/agreements/?year={NEXT}",
                "documents": "/sla-templates/", "changes": "/schools/changes/"}
    for key, href in expected.items():
        link = re.search(r'href="([^"]*)"', task_html(html, key)).group(1)
        assert link == href, key
        assert client.get(link.replace("&amp;", "&")).status_code == 200, key


def test_register_imported_shows_the_date_of_the_last_gias_file(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    db.session.add(AuditEvent(action="import", entity_type="School", entity_id="-", actor_label="sla",
                              summary="GIAS import from old.csv", at=datetime.now(timezone.utc) - timedelta(days=60)))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "register") == "Needs attention" and "60 days ago" in task_html(html, "register")
    db.session.add(AuditEvent(action="import", entity_type="School", entity_id="-", actor_label="sla",
                              summary="GIAS import from new.csv", at=datetime(2026, 12, 1, 9, tzinfo=timezone.utc)))
    db.session.commit()
    facts = home.year_at_a_glance(NEXT, today=date(2026, 12, 7))
    register = next(t for t in facts.tasks if t.key == "register")
    assert (register.status, register.summary) == ("done", "Last GIAS file imported on 1 December 2026.")


def test_census_complete_or_n_schools_missing(client, login, base_world, make_school):  # noqa: F811
    login(base_world.users["sla"])
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "census") == "Done"  # both schools have a January census figure
    assert f"Complete the census (January {NEXT})" in task_html(html, "census")
    for n in range(3):
        make_school(name=f"New school {n}")
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "census") == "To do" and "3 schools missing." in task_html(html, "census")
    closed = make_school(name="Closed school", status="Closed")
    add_census(closed, f"{THIS}-01", 10)
    assert "3 schools missing." in task_html(client.get("/").get_data(as_text=True), "census")  # closed: not missing


def test_price_list_draft_then_published(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    from contracts_app.services import price_lists
    from tests.agreements_fixtures import PRICES_2026

    price_lists.import_price_list(PRICES_2026.encode(), NEXT, "next.csv")
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "prices") == "To do" and "Draft: check it and publish it." in task_html(html, "prices")
    price_lists.publish(NEXT, "test")
    assert status_of(client.get("/").get_data(as_text=True), "prices") == "Done"


def test_round_open_until_its_close_with_counts_and_annual_value_by_state(client, login, world):  # noqa: F811
    login(world.users["sla"])
    offers = list(db.session.scalars(select(Offer).where(Offer.round_id == world.round.id).order_by(Offer.id)))
    offers[0].state = "accepted"
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    closes = world.round.closes_on
    assert status_of(html, "round") == "To do"
    assert f"Open until {closes.day} {closes:%B %Y}: 2 offers." in task_html(html, "round")
    accepted = re.search(r'id="round-state-accepted">([^<]*)<', html).group(1)
    assert accepted == f"Accepted: 1 school, £{offers[0].total:,.2f} a year"
    not_opened = re.search(r'id="round-state-not_opened">([^<]*)<', html).group(1)
    assert not_opened == f"Not opened: 1 school, £{offers[1].total:,.2f} a year"
    assert "Declined: 0 schools, £0.00 a year" in html
    assert status_of(html, "prices") == "Done" and status_of(html, "census") == "Done"


def test_drafts_waiting_and_agreements_issued(client, login, world):  # noqa: F811
    login(world.users["sla"])
    create_draft(NEXT, school=world.own, from_catalogue=False)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "drafts") == "To do" and "1 draft waiting to be issued." in task_html(html, "drafts")
    # This year's two issued agreements are not next year's.
    assert "None issued yet." in task_html(html, "issued")
    this_year = client.get(f"/?year={THIS}").get_data(as_text=True)
    assert status_of(this_year, "issued") == "Done" and "2 agreements issued." in task_html(this_year, "issued")
    assert client.get("/?year=abc").status_code == 400


def test_documents_generated_for_the_year(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    assert "Not generated yet." in task_html(client.get(f"/?year={THIS}").get_data(as_text=True), "documents")
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    db.session.add(Job(kind="agreement_documents", parameters={"year": THIS}, state="done", finished_at=later))
    db.session.add(Job(kind="agreement_documents", parameters={"year": NEXT}, state="failed"))  # another year
    db.session.commit()
    html = client.get(f"/?year={THIS}").get_data(as_text=True)
    assert status_of(html, "documents") == "Done" and f"Generated on {later.day} {later:%B %Y}" in html
    db.session.add(Job(kind="agreement_documents", parameters={"year": THIS, "group_id": 1}, state="failed",
                       created_at=later))  # one group's ZIP is not the year's
    db.session.add(Job(kind="agreement_documents", parameters={"year": THIS}, state="running", created_at=later))
    db.session.commit()
    assert status_of(client.get(f"/?year={THIS}").get_data(as_text=True), "documents") == "Done"
    db.session.add(Job(kind="agreement_documents", parameters={"year": THIS}, state="failed", created_at=later))
    db.session.commit()
    assert status_of(client.get(f"/?year={THIS}").get_data(as_text=True), "documents") == "Needs attention"


def test_register_changes_waiting(client, login, base_world):  # noqa: F811
    login(base_world.users["sla"])
    own = base_world.own
    own.status, own.closed_on, own.close_reason = "Closed", date(THIS, 11, 30), "Academy converter"
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert status_of(html, "changes") == "Needs attention"
    assert "1 change waiting for confirmation." in task_html(html, "changes")


def test_each_role_sees_its_own_home(client, login, world):  # noqa: F811
    sections = ("year-tasks", "finance-home", "admin-health", "job-consumers")
    seen = {}
    for role in ("sla", "finance", "admin"):
        client.post("/logout")
        login(world.users[role])
        html = client.get("/").get_data(as_text=True)
        seen[role] = {s for s in sections if f'id="{s}"' in html}
    assert seen == {"sla": {"year-tasks"}, "finance": {"finance-home"},
                    "admin": {"year-tasks", "finance-home", "admin-health", "job-consumers"}}
    client.post("/logout")
    login(world.users["school"])
    assert client.get("/").headers["Location"].endswith("/portal/")


def _message(n: int, state: str, created: datetime) -> OutboxMessage:
    return OutboxMessage(key=f"k{n}", purpose="test", concerns_type="school", recipient=f"r{n}@x.example",
                         subject="s", body_text="b", state=state, created_at=created)


def test_admin_outbox_health(app, client, login, base_world):  # noqa: F811
    login(base_world.users["admin"])
    now = datetime.now(timezone.utc)
    db.session.add_all([_message(1, "queued", now - timedelta(hours=50)), _message(2, "queued", now),
                        _message(3, "failed", now), _message(4, "sent", now - timedelta(days=9))])
    db.session.commit()
    app.config["MAIL_SERVER"] = ""
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="outbox-unsent">2<', html) and re.search(r'id="outbox-failed">1<', html)
    assert re.search(r'id="outbox-oldest-age">2 days<', html)
    assert 'id="outbox-no-mail"' in html and "No mail server is configured" in html
    assert 'href="/admin/outbox/?state=queued"' in html and 'href="/admin/outbox/?state=failed"' in html
    app.config["MAIL_SERVER"] = "smtp.example"
    assert 'id="outbox-no-mail"' not in client.get("/").get_data(as_text=True)


def test_admin_failed_jobs_count_and_latest(client, login, base_world):  # noqa: F811
    login(base_world.users["admin"])
    assert re.search(r'id="jobs-failed-count">0<', client.get("/").get_data(as_text=True))
    now = datetime.now(timezone.utc)
    old = Job(kind="rollover", parameters={"year": THIS}, state="failed", created_at=now - timedelta(days=1))
    new = Job(kind="import_schools", state="failed", created_at=now, finished_at=now)
    db.session.add_all([old, new, Job(kind="rollover", state="done", created_at=now)])
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="jobs-failed-count">2<', html)
    latest = re.search(r'href="([^"]*)" id="jobs-failed-latest">([^<]*)<', html)
    assert latest.groups() == (f"/jobs/{new.id}", f"Import schools (GIAS) (job {new.id})")


def test_admin_users_without_a_role_s_work(client, login, base_world, make_user):  # noqa: F811
    admin = login(base_world.users["admin"])
    orphan = make_user("school", email="orphan@test.example")
    off = make_user("finance", email="gone@test.example")
    off.active = False
    for user in db.session.scalars(select(User).where(User.id.not_in([orphan.id, off.id]))):
        user.last_login_at = datetime.now(timezone.utc)  # everyone else has signed in
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    listed = {key: re.findall(r'<a href="/admin/users/\d+">([^<]*)</a>',
                              re.search(rf'id="users-{key}"[^>]*>(.*?)</ul>', html, re.S).group(1))
              for key in ("unlinked", "inactive")}
    assert listed == {"unlinked": ["orphan@test.example"], "inactive": ["gone@test.example"]}
    assert re.search(r'id="users-never-count">0<', html)  # the orphan is counted once, as unlinked
    fresh = make_user("sla", email="new@test.example")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="users-never-count">1<', html) and f'href="/admin/users/{fresh.id}"' in html
    assert admin.email not in re.search(r'id="admin-health".*</section>', html, re.S).group(0)


def _queries_for(client) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    db.session.expire_all()  # each request starts as a real one does: nothing loaded yet
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_home_reads_the_same_number_of_queries_for_more_schools_offers_and_users(
        client, login, world, make_school, make_user):  # noqa: F811
    login(world.users["admin"])
    _queries_for(client)  # warm (session, caches)
    before = _queries_for(client)
    for n in range(6):
        make_user("school", email=f"lost{n}@test.example")
        make_school(name=f"Unmeasured {n}")
        db.session.add(_message(100 + n, "queued", datetime.now(timezone.utc)))
        db.session.add(Job(kind="rollover", state="failed"))
    db.session.commit()
    assert _queries_for(client) == before


@pytest.mark.parametrize("year", ["1", "99999"])
def test_a_year_out_of_range_is_a_clear_400(client, login, base_world, year):  # noqa: F811
    login(base_world.users["sla"])
    assert client.get(f"/?year={year}").status_code == 400
