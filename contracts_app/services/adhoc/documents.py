"""A request on paper: its estimate (§7.3) and, for rework, the §9.5 report, as data and as PDFs."""
from __future__ import annotations

from datetime import date

from adhoc.lifecycle import KIND_SECTIONS, kind_name
from contracts_app.models import AdHocRequest, Invoice
from contracts_app.services.adhoc.charges import Charge, charge, invoice_of, invoiced_charge, work_entries
from contracts_app.services.adhoc.rates import adhoc_price
from contracts_app.services.council import invoice_issuer
from invoices.adhoc_documents import EstimateDocument, ReworkReport, render_estimate_pdf, render_rework_report_pdf
from invoices.vat import VatBreakdown, vat_summary
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES


def answer_text(request: AdHocRequest) -> str:
    """The school's answer to the estimate, in words ("" while it has not answered)."""
    if request.authorised_on is not None:
        how = "in the school portal" if request.authorised_via == "portal" else "in writing"
        return f"Authorised by {request.authorised_by_name} on {request.authorised_on:%d %B %Y}, {how}."
    if request.status == "declined":
        return f"Declined by the school: {request.declined_reason}"
    return ""


def estimate_document(request: AdHocRequest) -> EstimateDocument | None:
    """The estimate sent to the school (§7.3), or None before one is given."""
    if request.estimate_hours is None:
        return None
    school = request.school
    price = adhoc_price(request.estimate_sla_year, school.customer_type)
    vat_code = price.vat_code if price else "S"
    estimated_on = request.estimated_at.date() if request.estimated_at else date.today()
    return EstimateDocument(
        reference=request.reference, kind_name=kind_name(request.kind), kind_section=KIND_SECTIONS[request.kind],
        school_name=school.name, school_urn=school.urn, school_address=school.address,
        customer_type=school.customer_type, description=request.description, third_party=request.third_party,
        hours=request.estimate_hours, sla_year_label=SlaYear(request.estimate_sla_year).label,
        rate=request.estimate_rate, vat_code=vat_code, vat_rate=VAT_RATES[vat_code], estimated_on=estimated_on,
        estimated_by=request.estimated_by or "", answer=answer_text(request))


def estimate_pdf(request: AdHocRequest) -> bytes | None:
    """The estimate as a PDF, or None before one is given."""
    document = estimate_document(request)
    return None if document is None else render_estimate_pdf(document, invoice_issuer())


def _charge_and_vat(request: AdHocRequest, invoice: Invoice | None) -> tuple[Charge, list[VatBreakdown]]:
    """Once invoiced, the invoice's own breakdown and VAT; before, today's rates and VAT codes."""
    if invoice is not None:
        vat = vat_summary(((l.vat_code, l.net) for l in invoice.lines), {l.vat_code: l.vat_rate for l in invoice.lines})
        return invoiced_charge(request, invoice), vat
    result = charge(request)
    codes = {}
    for part in result.parts:
        price = adhoc_price(part.sla_year, request.school.customer_type)
        codes[part.sla_year] = price.vat_code if price else "S"
    return result, vat_summary(((codes[p.sla_year], p.net) for p in result.parts), VAT_RATES)


def rework_report(request: AdHocRequest, invoice: Invoice | None = None) -> ReworkReport | None:
    """§9.5's report: why the council intervened and the breakdown of charges (rework only).

    Once invoiced, the breakdown and VAT are the invoice's own, so the report always
    agrees with the invoice it goes with.
    """
    if request.kind != "rework":
        return None
    invoice = invoice or invoice_of(request)
    result, vat = _charge_and_vat(request, invoice)
    school = request.school
    return ReworkReport(
        reference=request.reference, school_name=school.name, school_urn=school.urn, school_address=school.address,
        customer_type=school.customer_type, description=request.description, third_party=request.third_party,
        intervention_report=request.intervention_report, completed_on=request.completed_on,
        entries=tuple(work_entries(request)), parts=tuple(result.parts), vat=tuple(vat),
        invoice_number=invoice.number if invoice is not None else None)


def report_pdf(request: AdHocRequest) -> bytes | None:
    """The §9.5 report as a PDF, or None for a request that is not rework."""
    report = rework_report(request)
    return None if report is None else render_rework_report_pdf(report, invoice_issuer())
