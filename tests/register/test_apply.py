"""Applying a register change (issue #28): the Done-when conversion to the penny, applied twice,
CONVERSION_CREDIT=false, a merger, a closure without successor, a paid invoice."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, Invoice, Payment, RegisterChange
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing.balances import record_payment
from contracts_app.services.register.applying import apply_change, preview
from pricing.errors import ActionRefused
from tests.register import world

CREDIT_DAY = date(2026, 12, 7)


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Invoice, Agreement, RegisterChange))


def test_conversion_done_when(app):
    w = world.conversion()
    predecessor = w["agreement"]
    view = preview(predecessor.id)
    assert view.implied.kind == "conversion" and view.implied.end_date == date(2026, 11, 30)
    assert [c.gross for c in view.credits] == [Decimal("1907.88")]
    plan = view.successors[0]
    assert (plan.term_start, plan.term_end, plan.left_out) == (date(2026, 12, 1), date(2027, 3, 31), ["SIMS"])
    assert plan.annual_total == Decimal("3942.50") and plan.term_total == Decimal("1314.17")

    result = apply_change(predecessor.id, "sla@test", po_number="PO-ACAD-1", credit_date=CREDIT_DAY)
    assert result.changed
    db.session.expire_all()
    ended = db.session.get(Agreement, predecessor.id)
    assert (ended.status, ended.term_end, ended.end_reason) == ("ended", date(2026, 11, 30),
                                                                "converted to academy URN 150003")
    (note,) = db.session.scalars(select(Invoice).where(Invoice.kind == "credit_note")).all()
    # December - March: 4/12 of each line, the rest (8/12, rounded half-up) still owed.
    assert {l.service_code: -l.net for l in note.lines} == {
        "ADMIN": Decimal("866.67"), "SIMS": Decimal("425.73"), "AV": Decimal("47.50"), "DPO": Decimal("300.00")}
    assert (note.net, note.vat, note.gross) == (Decimal("-1639.90"), Decimal("-267.98"), Decimal("-1907.88"))
    assert note.credited_invoice.school_urn == 990003 and note.issue_date == CREDIT_DAY

    successor = db.session.scalar(select(Agreement).where(Agreement.school_id == w["academy"].id))
    assert (successor.status, successor.customer_type, successor.term_start, successor.term_end) == (
        "active", "academy", date(2026, 12, 1), date(2027, 3, 31))
    assert successor.po_number == "PO-ACAD-1" and successor.annual_total == Decimal("3942.50")
    assert {l.service_code: l.annual_price for l in successor.lines} == {
        "ADMIN": Decimal("2900.00"), "AV": Decimal("142.50"), "DPO": Decimal("900.00")}
    assert [k.email for k in w["academy"].stakeholders] == ["head@990003.example"]

    invoice_run.run(2026, "autumn", date(2026, 12, 10), "finance@test")
    (autumn,) = db.session.scalars(select(Invoice).where(Invoice.school_urn == 150003)).all()
    assert (autumn.term, autumn.period_start, autumn.period_end) == ("autumn", date(2026, 12, 1), date(2027, 3, 31))
    assert {l.service_code: l.net for l in autumn.lines} == {
        "ADMIN": Decimal("966.67"), "AV": Decimal("47.50"), "DPO": Decimal("300.00")}
    assert autumn.po_number == "PO-ACAD-1"
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.school_urn == 990003,
                                                                              Invoice.kind == "invoice")) == 1

    before = _counts(), db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = apply_change(predecessor.id, "sla@test", po_number="PO-OTHER", credit_date=CREDIT_DAY)
    assert not again.changed and "nothing changed" in again.message
    assert (_counts(), db.session.scalar(select(func.count()).select_from(AuditEvent))) == before


def test_audited(app):
    w = world.conversion()
    apply_change(w["agreement"].id, "sla@test", credit_date=CREDIT_DAY)
    summaries = list(db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "RegisterChange",
                                                                 AuditEvent.action == "apply")))
    assert len(summaries) == 1 and "converted to academy URN 150003" in summaries[0]


def test_conversion_credit_false_keeps_the_term_owed(app):
    app.config["CONVERSION_CREDIT"] = False
    w = world.conversion()
    view = preview(w["agreement"].id)
    assert view.credits == [] and view.credit_kept_owed
    apply_change(w["agreement"].id, "sla@test", credit_date=CREDIT_DAY)
    db.session.expire_all()
    ended = db.session.get(Agreement, w["agreement"].id)
    assert ended.status == "ended" and ended.term_end == date(2027, 3, 31)
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.kind == "credit_note")) == 0
    assert db.session.scalar(select(Agreement).where(Agreement.school_id == w["academy"].id)).status == "active"


def test_merger_prepares_a_draft(app):
    world.priced_year()
    a = world.school(990010, "Old Infants")
    b = world.school(990011, "Old Juniors")
    agreement = world.agreement_for(a)
    world.agreement_for(b)
    invoice_run.run(2026, "summer", date(2026, 4, 10), "finance@test")
    merged = world.school(990012, "New Primary", opened_on=date(2027, 1, 1))
    for old in (a, b):
        world.close(old, date(2026, 12, 31), reason="Merged")
        world.link(old.urn, merged.urn, "Successor - merged")
    view = preview(agreement.id)
    assert view.implied.kind == "merger" and view.implied.end_date == date(2026, 12, 31)
    result = apply_change(agreement.id, "sla@test", credit_date=CREDIT_DAY)
    assert result.changed
    draft = db.session.scalar(select(Agreement).where(Agreement.school_id == merged.id))
    assert (draft.status, draft.term_start, draft.po_number) == ("draft", date(2027, 1, 1), "")
    assert {l.service_code for l in draft.lines} == {"ADMIN", "SIMS", "AV", "DPO"}
    ended = db.session.get(Agreement, agreement.id)
    assert ended.status == "ended" and ended.term_end == date(2026, 12, 31)
    assert ended.end_reason == "merger: succeeded by URN 990012"
    # The second school's change finds the draft made: it ends and credits, and makes nothing more.
    second = db.session.scalar(select(Agreement).where(Agreement.school_id == b.id))
    assert "already has" in preview(second.id).successors[0].note
    apply_change(second.id, "sla@test", credit_date=CREDIT_DAY)
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.school_id == merged.id)) == 1


def test_closure_without_successor(app):
    world.priced_year()
    gone = world.school(990020, "Closing School")
    agreement = world.agreement_for(gone)
    invoice_run.run(2026, "summer", date(2026, 4, 10), "finance@test")
    world.close(gone, date(2027, 2, 28), reason="Closure")
    view = preview(agreement.id)
    assert (view.implied.kind, view.successors) == ("closure", [])
    apply_change(agreement.id, "sla@test", credit_date=CREDIT_DAY)
    note = db.session.scalar(select(Invoice).where(Invoice.kind == "credit_note"))
    # March only: what was invoiced less 11/12 still owed, rounded half-up (AV: 142.50 - 130.63).
    assert {l.service_code: -l.net for l in note.lines} == {
        "ADMIN": Decimal("216.67"), "SIMS": Decimal("106.43"), "AV": Decimal("11.87"), "DPO": Decimal("75.00")}
    assert db.session.get(Agreement, agreement.id).end_reason == "school closed without a successor"


def test_proposed_to_close_is_upcoming_and_never_applied(app):
    w = world.conversion()
    world.close(w["maintained"], date(2026, 11, 30), status="Open, but proposed to close")
    assert preview(w["agreement"].id).state == "upcoming"
    with pytest.raises(ActionRefused, match="only proposed to close"):
        apply_change(w["agreement"].id, "sla@test", credit_date=CREDIT_DAY)
    assert db.session.get(Agreement, w["agreement"].id).status == "active"


def test_paid_invoice_is_refused_with_a_message_and_nothing_changes(app):
    w = world.conversion()
    invoice = db.session.scalar(select(Invoice).where(Invoice.school_urn == 990003))
    record_payment(invoice, invoice.gross, date(2026, 5, 1), "BACS", "finance@test")
    with pytest.raises(ActionRefused, match=invoice.number):
        apply_change(w["agreement"].id, "sla@test", credit_date=CREDIT_DAY)
    db.session.expire_all()
    assert db.session.get(Agreement, w["agreement"].id).status == "active"
    assert db.session.scalar(select(func.count()).select_from(RegisterChange)) == 0
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_unknown_change_is_a_message(app):
    with pytest.raises(ActionRefused, match="no register change 12345"):
        apply_change(12345, "sla@test")
