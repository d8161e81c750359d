"""`round open|status|close|remind`: summaries, and a clear message with exit 1 on refusals."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, BuyingRound
from tests.rounds.conftest import NEXT, publish_next_year


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _dates():
    today = date.today()
    return str(today), str(min(today + timedelta(days=20), SlaYear(NEXT).start - timedelta(days=1)))


def test_open_refused_without_a_published_list(app, base_world):
    opens, closes = _dates()
    result = run(app, "round", "open", "--year", str(NEXT), "--opens", opens, "--closes", closes, "--default", "renew")
    assert result.exit_code == 1 and "price list is not published" in result.output
    assert db.session.scalar(select(BuyingRound)) is None


def test_open_status_close_renews_non_answering_schools(app, base_world):
    publish_next_year()
    opens, closes = _dates()
    result = run(app, "round", "open", "--year", str(NEXT), "--opens", opens, "--closes", closes, "--default", "renew")
    assert result.exit_code == 0, result.output
    assert "2 offers" in result.output
    status = run(app, "round", "status", "--year", str(NEXT))
    assert "Not opened" in status.output and "2 school(s)" in status.output
    closed = run(app, "round", "close", "--year", str(NEXT), "--early")
    assert closed.exit_code == 0, closed.output
    assert "2 renewed" in closed.output
    renewed = db.session.scalars(select(Agreement).where(Agreement.sla_year == NEXT)).all()
    assert {a.status for a in renewed} == {"active"}
    assert run(app, "round", "close", "--year", str(NEXT), "--early").exit_code == 1


def test_close_with_lapse_makes_no_agreement(app, base_world):
    publish_next_year()
    opens, closes = _dates()
    run(app, "round", "open", "--year", str(NEXT), "--opens", opens, "--closes", closes, "--default", "lapse")
    assert "0 renewed" in run(app, "round", "close", "--year", str(NEXT), "--early").output
    assert db.session.scalar(select(Agreement).where(Agreement.sla_year == NEXT)) is None


def test_closing_before_opening_is_a_usage_error(app, base_world):
    publish_next_year()
    opens, closes = _dates()
    result = run(app, "round", "open", "--year", str(NEXT), "--opens", closes, "--closes", opens, "--default", "renew")
    assert result.exit_code != 0 and "before it opens" in result.output


def test_remind_all(app, base_world):
    publish_next_year()
    opens, closes = _dates()
    run(app, "round", "open", "--year", str(NEXT), "--opens", opens, "--closes", closes, "--default", "renew")
    result = run(app, "round", "remind", "--year", str(NEXT))
    assert result.exit_code == 0 and "Reminded 2 school(s)" in result.output


def test_users_create_signatory(app, make_school):
    school = make_school(urn=123456)
    result = app.test_cli_runner().invoke(args=["users", "create", "sig@test.example", "--role", "school", "--school",
                                                str(school.urn), "--signatory", "--password-stdin"],
                                          input="a-long-and-unusual-password-42\n")
    assert result.exit_code == 0 and "(signatory)" in result.output
