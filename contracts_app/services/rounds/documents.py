"""The SLA document of an offer: the draft preview of exactly that basket, and the PDF accepted,
stored once and never changed (``records``; its SHA-256 is on the acceptance)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from documents.bulk import pdf_name
from documents.filling import AgreementFacts, Contact, ServiceLine, fill
from documents.pdf import render_pdf
from pricing.errors import ActionRefused
from pricing.sla_year import LONDON, SlaYear

from contracts_app.models import Offer
from contracts_app.services.council import document_council
from contracts_app.services.documents import current_template, parsed, readable_template
from contracts_app.services.rounds.pricing import OfferPricing, PricedOfferLine, price_basket
from contracts_app.services.rounds.records import read_accepted


def _line(line: PricedOfferLine) -> ServiceLine:
    return ServiceLine(code=line.service_code, title=line.title, quantity=line.quantity, unit=line.unit,
                       annual_price=line.annual_price if line.list_name != "excluded" else None,
                       explanation=line.explanation, vat_code=line.vat_code, description=line.description)


def _contacts(offer: Offer) -> tuple[Contact, ...]:
    contacts = [Contact(c.name, c.role, c.email, c.phone) for m in offer.members for c in m.stakeholders]
    if offer.invoice_contact or offer.invoice_email:
        contacts.append(Contact(offer.invoice_contact or offer.invoice_email, "Invoices", offer.invoice_email))
    if offer.agreement_contact or offer.agreement_email:
        contacts.append(Contact(offer.agreement_contact or offer.agreement_email, "Agreement",
                                offer.agreement_email))
    return tuple(contacts)


def offer_facts(offer: Offer, pricing: OfferPricing, accepted: tuple[str, datetime] | None = None) -> AgreementFacts:
    """The document's facts for this basket; a draft unless ``accepted`` (who, when) is given."""
    school, year = offer.school, SlaYear(offer.round.sla_year)
    source = offer.source_agreement
    if accepted:
        who, when = accepted
        status = f"Accepted online by {who} on {when.astimezone(LONDON):%d %B %Y at %H:%M}"
    else:
        status = "DRAFT: offer not yet accepted; the prices are next year's list on the school's census"
    return AgreementFacts(
        party_name=offer.party_name, schools=tuple((m.name, m.urn) for m in offer.members),
        customer_type=school.customer_type,
        sla_year_label=year.label, term_start=year.start, term_end=year.end,
        subscribed=tuple(_line(x) for x in pricing.in_list("subscribed")),
        additional=tuple(_line(x) for x in pricing.in_list("additional")),
        excluded=tuple(_line(x) for x in pricing.in_list("excluded")),
        annual_total=pricing.total if pricing.complete else None, draft=accepted is None,
        pricing_problems=tuple(pricing.problems),
        odm_name=(source.odm_name if source else "") or current_app.config["DEFAULT_ODM"],
        odm_email=source.odm_email if source else "", po_number=offer.po_number,
        stakeholders=_contacts(offer), issued_on=accepted[1].astimezone(LONDON).date() if accepted else None,
        status_text=status)


def render(offer: Offer, pricing: OfferPricing, accepted: tuple[str, datetime] | None = None,
           store_template: bool = False) -> bytes:
    """The filled-in SLA for the basket as a PDF (the version it would be issued under)."""
    customer_type = offer.school.customer_type
    template = current_template(customer_type) if store_template else readable_template(customer_type)
    return render_pdf(fill(parsed(template), offer_facts(offer, pricing, accepted), document_council()))


def file_name(offer: Offer, draft: bool) -> str:
    name = pdf_name(SlaYear(offer.round.sla_year).label, offer.party_name,
                    urn=None if offer.group_id else offer.school.urn, group_id=offer.group_id)
    return name.replace(".pdf", "-draft.pdf") if draft else name


def download(offer: Offer, acceptance_id: int | None = None, draft: bool = False) -> tuple[bytes, str]:
    """The accepted PDF (the latest, or the one asked for) once accepted; else, or with ``draft``
    (changes not yet accepted), the DRAFT of the basket as it is saved."""
    chosen = next((a for a in offer.acceptances if a.id == acceptance_id), None) if acceptance_id else None
    if chosen is None and acceptance_id is None and offer.state == "accepted" and not draft:
        chosen = offer.acceptance
    if chosen is not None:
        return read_accepted(chosen), file_name(offer, draft=False)
    if acceptance_id is not None:
        raise ActionRefused(f"offer {offer.id} has no acceptance {acceptance_id}")
    return render(offer, price_basket(offer)), file_name(offer, draft=True)
