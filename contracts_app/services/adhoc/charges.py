"""What a request's booked time comes to (§2.6): at today's published rates, or as invoiced."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from adhoc.charging import ChargePart, MissingRate, WorkEntry, charge_breakdown, invoiced_breakdown
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, Invoice
from contracts_app.services.adhoc.rates import PriceBook, no_rate_message
from pricing.sla_year import SlaYear


@dataclass
class Charge:
    """What a request's booked time comes to, or why it cannot be charged yet."""

    minutes: int
    parts: list[ChargePart]
    problem: str | None = None

    @property
    def hours(self) -> int:
        """The whole hours charged, over every SLA year."""
        return sum(p.hours for p in self.parts)

    @property
    def net(self) -> Decimal:
        """The charge before VAT, over every SLA year."""
        return sum((p.net for p in self.parts), Decimal("0.00"))


def work_entries(request: AdHocRequest) -> list[WorkEntry]:
    """The request's time entries as adhoc.charging sees them."""
    return [WorkEntry(e.work_date, e.minutes, e.who, e.note) for e in request.entries]


def charge(request: AdHocRequest, book: PriceBook | None = None) -> Charge:
    """The charge for the time booked so far, one part per SLA year (§2.6)."""
    entries = work_entries(request)
    book = book or PriceBook()
    customer_type = request.school.customer_type
    rates = book.rates({SlaYear.containing(e.work_date).start_year for e in entries}, customer_type)
    minutes = sum(e.minutes for e in entries)
    try:
        return Charge(minutes, charge_breakdown(entries, rates))
    except MissingRate as exc:
        return Charge(minutes, [], no_rate_message(exc.sla_year, customer_type))


def invoice_of(request: AdHocRequest) -> Invoice | None:
    """The invoice the invoice run raised for the request (not a credit note), if any."""
    return db.session.scalar(select(Invoice).where(Invoice.adhoc_request_id == request.id,
                                                   Invoice.kind == "invoice").order_by(Invoice.id).limit(1))


def invoiced_charge(request: AdHocRequest, invoice: Invoice) -> Charge:
    """The charge as the invoice made it: its lines' rates, whatever the price lists say today."""
    entries = work_entries(request)
    parts = invoiced_breakdown(entries, [line.unit_price for line in invoice.lines])
    return Charge(sum(e.minutes for e in entries), parts)
