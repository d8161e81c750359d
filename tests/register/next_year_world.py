"""A world for issue #28's "Next year": this year's and next year's price lists, a maintained
school (URN 990003) with this year's issued agreement and its census figures, and helpers that
close it and open its successor academy (URN 150003) joined by GIAS links."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, KeyStakeholder, School, SchoolLink
from contracts_app.services import agreements as agreement_service, price_lists
from tests.agreements_fixtures import PRICES_2026, build_priced_world, issue_agreement

L = agreement_service.LineInput
THIS = SlaYear.containing(date.today()).start_year
NEXT = THIS + 1
PREDECESSOR, SUCCESSOR = 990003, 150003
LINES = [L("ADMIN", "subscribed"), L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
         L("DPO", "additional"), L("WEB", "excluded")]
# Next year's list (PRICES_2026) at 412 pupils: ADMIN band 251+ is £2,600 maintained, £2,900
# academy; SIMS 412 x £3.30 = £1,359.60; AV 30 x £4.75 = £142.50.
MAINTAINED_TOTAL, ACADEMY_TOTAL = Decimal("4102.10"), Decimal("4402.10")


def priced_years(publish_next: bool = True) -> None:
    build_priced_world(THIS)
    if publish_next:
        price_lists.import_price_list(PRICES_2026.encode(), NEXT, "next.csv")
        price_lists.publish(NEXT, "test")


def predecessor(make_school) -> School:
    """The maintained school with this year's issued agreement; its January census figures (the
    next one, 412 pupils, collected under its URN) and a head who receives agreements."""
    school = make_school(urn=PREDECESSOR, name="Old Maintained Primary")
    for label, pupils in ((f"{THIS}-01", 400), (f"{NEXT}-01", 412)):
        db.session.add(CensusFigure(school=school, census=label, pupils=pupils))
    db.session.add(KeyStakeholder(school=school, name="Head", role="Headteacher", email="head@old.example"))
    db.session.commit()
    issue_agreement(LINES, school=school, year=THIS, by="sla@test.example", odm_email="odm@old.example")
    return school


def close(school: School) -> None:
    school.status, school.closed_on, school.close_reason = "Closed", date(THIS, 11, 30), "Academy converter"
    db.session.commit()


def successor(make_school, links: bool = True) -> School:
    """The academy converter opening the day after; GIAS's two link rows join them."""
    school = make_school(urn=SUCCESSOR, name="New Converter Academy", establishment_type="Academy converter",
                         opened_on=date(THIS, 12, 1), open_reason="Academy converter")
    db.session.add(KeyStakeholder(school=school, name="Principal", role="Principal", email="principal@new.example"))
    if links:
        db.session.add_all([SchoolLink(urn=PREDECESSOR, link_urn=SUCCESSOR, link_type="Successor",
                                       link_name=school.name),
                            SchoolLink(urn=SUCCESSOR, link_urn=PREDECESSOR, link_type="Predecessor",
                                       link_name="Old Maintained Primary")])
    db.session.commit()
    return school


def round_dates() -> tuple[date, date]:
    today = date.today()
    return today - timedelta(days=1), min(today + timedelta(days=30), SlaYear(NEXT).start - timedelta(days=1))
