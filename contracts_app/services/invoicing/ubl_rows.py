"""A run's invoices for the e-invoice writer, read as plain rows (issue #32's speed).

Writing every e-invoice of a run (the ZIP job, the run check, ``make bench``'s ``ubl_run``) reads
what ``ubl.ubl_invoice`` reads of each invoice - and nothing else - in two queries a batch, into
plain objects carrying the model's attribute names, so the one mapping serves the model and these
alike. ORM objects with their related rows cost more than writing the XML itself (py-spy: loading
and expunging them were 45% of the run's time). The tests compare the bytes written both ways.
"""
from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import aliased

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, Agreement, AgreementLine, Invoice, InvoiceLine, School

_INVOICE = (Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.school_urn,
            Invoice.customer_name, Invoice.bill_to_name, Invoice.bill_to_street, Invoice.bill_to_town,
            Invoice.bill_to_postcode, Invoice.po_number, Invoice.agreement_id, Invoice.adhoc_request_id,
            Invoice.period_start, Invoice.period_end, Invoice.description, Invoice.net, Invoice.vat, Invoice.gross)
_LINE = (InvoiceLine.invoice_id, InvoiceLine.position, InvoiceLine.service_code, InvoiceLine.description,
         InvoiceLine.explanation, InvoiceLine.section, InvoiceLine.po_number, InvoiceLine.quantity,
         InvoiceLine.unit_price, InvoiceLine.net, InvoiceLine.vat_code, InvoiceLine.vat_rate, InvoiceLine.billing_key,
         InvoiceLine.agreement_line_id)


def _invoices(ids: list[int]) -> list[SimpleNamespace]:
    credited = aliased(Invoice)
    query = (select(*_INVOICE, School.street, School.town, School.postcode, Agreement.sla_year,
                    AdHocRequest.reference, credited.number.label("credited_number"),
                    credited.issue_date.label("credited_issue_date"))
             .outerjoin(School, School.id == Invoice.school_id)
             .outerjoin(Agreement, Agreement.id == Invoice.agreement_id)
             .outerjoin(AdHocRequest, AdHocRequest.id == Invoice.adhoc_request_id)
             .outerjoin(credited, credited.id == Invoice.credited_invoice_id)
             .where(Invoice.id.in_(ids)).order_by(Invoice.number))
    found = []
    for row in db.session.connection().execute(query):  # Core rows: the ORM's loading is not needed
        values = row._mapping
        invoice = SimpleNamespace(**{c.key: values[c.key] for c in _INVOICE}, lines=[])
        invoice.school = SimpleNamespace(street=row.street, town=row.town, postcode=row.postcode)
        invoice.agreement = SimpleNamespace(sla_year=row.sla_year) if row.agreement_id is not None else None
        invoice.adhoc_request = SimpleNamespace(reference=row.reference) if row.adhoc_request_id is not None else None
        invoice.credited_invoice = (SimpleNamespace(number=row.credited_number, issue_date=row.credited_issue_date)
                                    if row.credited_number is not None else None)
        found.append(invoice)
    return found


def _add_lines(invoices: list[SimpleNamespace]) -> dict[int, tuple]:
    """Each invoice's lines (the rows themselves: they carry the line's attribute names) and, from the
    same query, ``ubl.service_periods`` for the batch: {agreement line id: (start, end)}."""
    by_id = {invoice.id: invoice for invoice in invoices}
    query = (select(*_LINE, AgreementLine.start_date, AgreementLine.end_date)
             .outerjoin(AgreementLine, AgreementLine.id == InvoiceLine.agreement_line_id)
             .where(InvoiceLine.invoice_id.in_(list(by_id))).order_by(InvoiceLine.invoice_id, InvoiceLine.position))
    periods = {}
    for row in db.session.connection().execute(query):
        by_id[row.invoice_id].lines.append(row)
        if row.agreement_line_id is not None:
            periods[row.agreement_line_id] = (row.start_date, row.end_date)
    return periods


def invoice_batches(ids: list[int], size: int) -> Iterator[tuple[list[SimpleNamespace], dict]]:
    """These invoices ``size`` at a time, in number order within each batch, each with its lines, and the
    batch's service dates (as ``ubl.service_periods`` gives them): nothing is kept in the session."""
    for start in range(0, len(ids), size):
        batch = _invoices(ids[start:start + size])
        yield batch, _add_lines(batch)
