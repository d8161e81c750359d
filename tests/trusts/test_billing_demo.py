"""Issue #29's done-when for billing, on the demo: the summer run gives the consolidated trust one invoice
whose net is the sum of its academies' summer periods to the penny (VAT per code over the whole), and the
per-academy trust one invoice per academy, addressed to the trust and naming the academy."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from invoices.building import Contract, ContractLine, due_invoices
from invoices.money import round_half_up
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, Invoice, Trust
from contracts_app.services.demo.council import load_demo
from contracts_app.services.demo.trusts import TRUSTS

YEAR = SlaYear.containing(date.today()).start_year


def _summer_period_net(agreement: Agreement) -> Decimal:
    """The agreement's summer period worked out again from its lines, as its own invoice would bill it."""
    lines = tuple(ContractLine(l.id, l.service_code, l.title, l.annual_price, l.explanation, l.vat_code, l.start_date)
                  for l in db.session.scalars(select(AgreementLine).where(
                      AgreementLine.agreement_id == agreement.id, AgreementLine.list_name == "subscribed",
                      AgreementLine.annual_price.is_not(None))))
    contract = Contract(agreement.id, agreement.customer_type, agreement.term_start, agreement.term_end, lines)
    return sum((d.net for d in due_invoices(contract, "summer", set()) if d.period.term == "summer"), Decimal(0))


def _agreements(trust: Trust) -> list[Agreement]:
    ids = [m.school_id for m in trust.memberships]
    return list(db.session.scalars(select(Agreement).where(Agreement.school_id.in_(ids), Agreement.sla_year == YEAR,
                                                           Agreement.issued_at.is_not(None))))


def test_done_when_a_summer_run_bills_each_demo_trust_its_way(app):
    load_demo(YEAR)
    per_academy, consolidated = (db.session.scalar(select(Trust).where(Trust.code == code)) for code, *_ in TRUSTS)
    assert (per_academy.billing, consolidated.billing) == ("per_academy", "consolidated")

    agreements = _agreements(consolidated)
    assert len(agreements) >= 2
    (invoice,) = db.session.scalars(select(Invoice).where(Invoice.trust_id == consolidated.id,
                                                          Invoice.term == "summer")).all()
    assert invoice.trust_billing == "consolidated" and invoice.bill_to_name == consolidated.name
    assert invoice.net == sum(_summer_period_net(a) for a in agreements)  # to the penny
    assert {line.agreement_id for line in invoice.lines} == {a.id for a in agreements}
    nets: dict[str, Decimal] = {}
    for line in invoice.lines:
        nets[line.vat_code] = nets.get(line.vat_code, Decimal(0)) + line.net
    rates = {line.vat_code: line.vat_rate for line in invoice.lines}
    assert invoice.gross == invoice.net + sum(round_half_up(rates[c] * n) for c, n in nets.items())
    assert db.session.scalar(select(Invoice.id).where(Invoice.term == "summer", Invoice.agreement_id.in_(
        [a.id for a in agreements]))) is None  # no academy of the consolidated trust has its own

    agreements = _agreements(per_academy)
    invoices = db.session.scalars(select(Invoice).where(Invoice.trust_id == per_academy.id,
                                                        Invoice.term == "summer")).all()
    assert len(agreements) >= 2
    assert sorted(i.agreement_id for i in invoices) == sorted(a.id for a in agreements)  # one per academy
    for i in invoices:
        assert (i.bill_to_name, i.trust_billing) == (per_academy.name, "per_academy")
        assert i.customer_name == i.school.name and i.po_number == i.agreement.po_number
