"""Next year follows a conversion (issue #28): the census lookup takes the predecessor's figure and
says so, several predecessors leave it missing, rollover rolls the successor and the round's
opening offers the successor the closed school's services."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, SchoolLink
from contracts_app.services import agreements as agreement_service, price_lists
from contracts_app.services.agreements.issuing import issue_school_drafts
from contracts_app.services.agreements.rollover import rollover
from contracts_app.services.price_check import price_agreement, price_school
from contracts_app.services.register import census as census_links
from contracts_app.services.rounds.opening import RoundSettings, open_round
from tests.register.next_year_world import (
    ACADEMY_TOTAL, LINES, NEXT, PREDECESSOR, SUCCESSOR, THIS, close, predecessor, priced_years, round_dates,
    successor,
)

AS_PREDECESSOR = f"412 pupils (January {NEXT} census, as URN {PREDECESSOR})"


def _sims(check):
    return next(line for line in check.lines if line.service_code == "SIMS")


def test_price_check_uses_the_predecessors_figure_and_says_so(app, make_school):
    priced_years()
    predecessor(make_school)
    new = successor(make_school)
    check = price_school(new, price_lists.published(NEXT), [("SIMS", Decimal(1)), ("ADMIN", Decimal(1))])
    assert check.complete and check.pupils == 412
    assert _sims(check).explanation == f"{AS_PREDECESSOR} x £3.30 = £1,359.60"
    assert f"{AS_PREDECESSOR}: band 251+" in next(x for x in check.lines if x.service_code == "ADMIN").explanation
    # Its own figure, once the census has one, wins and says nothing about the predecessor.
    from tests.agreements_fixtures import add_census
    add_census(new, f"{NEXT}-01", 500)
    own = price_school(new, price_lists.published(NEXT), [("SIMS", Decimal(1))])
    assert _sims(own).explanation.startswith(f"500 pupils (January {NEXT} census) x")


def test_agreements_issue_on_the_predecessors_figure_one_by_one_and_in_bulk(app, make_school):
    priced_years()
    predecessor(make_school)
    new = successor(make_school)
    draft = agreement_service.create_draft(NEXT, school=new, from_catalogue=False)
    agreement_service.set_lines(draft, LINES)
    assert _sims(price_agreement(draft)).explanation.startswith(AS_PREDECESSOR)
    report = issue_school_drafts(NEXT, "sla@test.example")
    assert report.issued == [draft.id] and not report.refused
    db.session.expire_all()
    issued = db.session.get(Agreement, draft.id)
    assert issued.status == "active" and issued.pupils == 412 and issued.annual_total == ACADEMY_TOTAL
    sims = next(line for line in issued.lines if line.service_code == "SIMS")
    assert sims.explanation.startswith(AS_PREDECESSOR)


def test_several_predecessors_mean_the_figure_is_missing(app, make_school):
    priced_years()
    predecessor(make_school)
    other = make_school(urn=990004, name="Second Predecessor")
    from tests.agreements_fixtures import add_census
    add_census(other, f"{NEXT}-01", 200)
    new = successor(make_school)
    db.session.add(SchoolLink(urn=SUCCESSOR, link_urn=990004, link_type="Predecessor"))
    db.session.commit()
    check = price_school(new, price_lists.published(NEXT), [("SIMS", Decimal(1)), ("AV", Decimal(2))])
    assert check.pupils is None and [p.service_code for p in check.problems] == ["SIMS"]
    assert check.problems[0].kind == "no_census"
    assert f"several predecessors ({PREDECESSOR}, 990004)" in check.problems[0].reason
    assert [line.service_code for line in check.lines] == ["AV"]  # not pupil-based: still priced


def test_the_bulk_lookup_takes_a_fixed_number_of_queries(app, make_school):
    """The round prices every school: the look-up never costs a query per school."""
    from sqlalchemy import event

    priced_years(publish_next=False)
    predecessor(make_school)
    new = successor(make_school)
    others = [make_school() for _ in range(30)]
    pairs = [(s.id, s.urn) for s in [new, *others]]
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        from pricing.census import CensusRef
        chosen = census_links.choices(pairs, CensusRef(NEXT, 1))
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len(statements) <= 3
    assert chosen[pairs[0][0]].pupils == 412 and chosen[pairs[0][0]].as_urn == PREDECESSOR
    assert all(chosen[school_id].pupils is None for school_id, _ in pairs[1:])


def test_rollover_rolls_the_successor_not_the_closed_school(app, make_school):
    priced_years()
    old_school = predecessor(make_school)
    close(old_school)
    new = successor(make_school)
    report = rollover(THIS)
    assert [(a.school_id, a.sla_year) for a in report.created] == [(new.id, NEXT)]
    assert any(why.startswith(f"the school closed on 30 November {THIS}") for _, why in report.skipped)
    assert len(report.followed) == 1 and f"(URN {SUCCESSOR})" in report.followed[0]
    draft = report.created[0]
    assert draft.customer_type == "academy" and draft.odm_email == "odm@old.example"
    assert {(x.service_code, x.list_name, x.quantity) for x in draft.lines} == {
        (x.service_code, x.list_name, x.quantity) for x in LINES}
    check = price_agreement(draft)
    assert check.total == ACADEMY_TOTAL and _sims(check).explanation.startswith(AS_PREDECESSOR)
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(
        Agreement.school_id == old_school.id, Agreement.sla_year == NEXT)) == 0
    # Again: nothing more (the successor has its draft now).
    again = rollover(THIS)
    assert again.created == [] and "has New Converter Academy" in again.followed[0]


def test_rollover_leaves_a_closed_school_without_one_successor_to_the_sla_team(app, make_school):
    priced_years()
    close(predecessor(make_school))
    successor(make_school, links=False)
    report = rollover(THIS)
    assert report.created == []
    assert len(report.followed) == 1
    assert report.followed[0].endswith(f"not rolled over (the school closed); URN {PREDECESSOR} has no successor "
                                       "in GIAS's links: the SLA team decides")


def test_the_round_offers_the_successor_the_closed_schools_services(app, make_school):
    priced_years()
    close(predecessor(make_school))
    new = successor(make_school)
    opens, closes = round_dates()
    buying_round = open_round(RoundSettings(NEXT, opens, closes, "renew"), "sla@test.example")
    offers = {o.school.urn: o for o in buying_round.offers}
    assert PREDECESSOR not in offers and SUCCESSOR in offers
    offer = offers[SUCCESSOR]
    assert offer.source_agreement.school_id != new.id  # pre-filled from the closed school's agreement
    assert {(x.service_code, x.list_name, x.quantity) for x in offer.lines} == {
        (x.service_code, x.list_name, x.quantity) for x in LINES}
    assert offer.total == ACADEMY_TOTAL and offer.problem == ""
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 1


def test_a_successor_priced_on_its_predecessors_figure_is_not_missing_from_the_census(app, make_school):
    from contracts_app.services.census import schools_missing
    from pricing.census import CensusRef

    priced_years(publish_next=False)
    predecessor(make_school)
    new = successor(make_school)
    lone = make_school(urn=150099, name="Lone New School")
    assert [s.urn for s in schools_missing(CensusRef(NEXT, 1))] == [lone.urn]
    # With a second predecessor the figure is missing again, and so is the school.
    db.session.add(SchoolLink(urn=990004, link_urn=SUCCESSOR, link_type="Successor"))
    db.session.commit()
    assert sorted(s.urn for s in schools_missing(CensusRef(NEXT, 1))) == sorted([lone.urn, new.urn])


def test_a_service_added_mid_year_is_explained_on_the_same_figure(app, make_school):
    from contracts_app.models import Service
    from tests.agreements_fixtures import issue_agreement

    priced_years()
    predecessor(make_school)
    new = successor(make_school)
    agreement = issue_agreement([agreement_service.LineInput("AV", "subscribed", Decimal(2))], school=new,
                                year=NEXT, by="sla@test.example")
    assert agreement.pupils == 412
    sims = db.session.scalar(select(Service).where(Service.code == "SIMS"))
    line = agreement_service.add_service(agreement, sims, Decimal(1), agreement.term_start)
    assert line.explanation.startswith(AS_PREDECESSOR)
