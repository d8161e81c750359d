"""Issue #29's done-when for the statement, on the demo: the trust statement's balance equals the sum
of its academies' balances (to the penny, through the API as a trust user and as finance) - and, for
the consolidated trust, of its consolidated invoices' (the trust's own account: no academy owes them) -
and each academy's part is its own statement (no demo academy has moved); a trust user cannot read
another trust's statement (404)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import School, User
from contracts_app.services.demo.council import load_demo
from contracts_app.services.demo.trusts import TRUST_USER, TRUSTS
from contracts_app.services.invoicing.statements import statement
from contracts_app.services.users import issue_token

YEAR = SlaYear.containing(date.today()).start_year


def test_done_when_the_trust_statement_balance_is_the_sum_of_its_academies_on_the_demo(app, client, make_user):
    load_demo(YEAR)
    trust_user = db.session.scalar(select(User).where(User.email == TRUST_USER[0]))
    as_trust = {"Authorization": f"Bearer {issue_token(trust_user.email)}"}
    as_finance = {"Authorization": f"Bearer {issue_token(make_user('finance').email)}"}
    owed = Decimal(0)
    for code, *_ in TRUSTS:
        body = client.get(f"/api/v1/trusts/{code}/statement", headers=as_finance).get_json()
        academies = body["academies"]
        assert len(academies) == 4
        own = Decimal(body["consolidated"]["balance"]) if body["consolidated"] else Decimal(0)
        assert (body["consolidated"] is not None) == (code == "16002")  # only the consolidated trust has one
        assert Decimal(body["balance"]) == sum(Decimal(a["balance"]) for a in academies) + own
        for academy in academies:
            school = db.session.scalar(select(School).where(School.urn == academy["urn"]))
            assert Decimal(academy["balance"]) == statement(school).balance
        owed += Decimal(body["balance"])
    assert owed > 0  # the demo has invoices owed by trusts' academies: the sums above are not of zeros
    own = client.get(f"/api/v1/trusts/{TRUSTS[0][0]}/statement", headers=as_trust)
    assert own.status_code == 200 and own.get_json() == client.get(
        f"/api/v1/trusts/{TRUSTS[0][0]}/statement", headers=as_finance).get_json()
    assert client.get(f"/api/v1/trusts/{TRUSTS[1][0]}/statement", headers=as_trust).status_code == 404
