"""The council's own details, read from the configuration in one place for every document:
invoices and ad hoc documents (`Issuer`), the filled-in SLA (`Council`), KPI reports
(`ReportIssuer`). Each renderer takes only what it prints."""
from __future__ import annotations

from flask import current_app

from documents.filling import Council
from invoices.document import Issuer
from invoices.ubl_rules import Seller
from servicedesk.report_pdf import ReportIssuer

# Council field -> configuration key (an empty value keeps the SLA's own default).
_COUNCIL_KEYS = {
    "name": "COUNCIL_NAME", "service": "SERVICE_NAME", "address": "COUNCIL_ADDRESS",
    "service_desk_phone": "COUNCIL_PHONE", "general_email": "COUNCIL_EMAIL", "default_odm": "DEFAULT_ODM",
    "incident_email": "INCIDENT_EMAIL", "request_email": "REQUEST_EMAIL", "sla_queries_phone": "SLA_QUERIES_PHONE",
    "sla_queries_email": "SLA_QUERIES_EMAIL", "odm_email": "ODM_EMAIL", "head_of_service": "HEAD_OF_SERVICE",
    "head_of_service_email": "HEAD_OF_SERVICE_EMAIL", "website": "SCHOOLS_WEBSITE",
    "payment_terms_days": "PAYMENT_TERMS_DAYS",
}


def document_council() -> Council:
    """The council as the filled-in SLA names it (DEFAULT_ODM and the rest)."""
    config = current_app.config
    return Council(**{field: config[key] for field, key in _COUNCIL_KEYS.items() if config.get(key) not in (None, "")})


def invoice_issuer() -> Issuer:
    """Who invoices, credit notes, estimates and §9.5 reports are from, and how to pay."""
    c = current_app.config
    return Issuer(c["COUNCIL_NAME"], c["SERVICE_NAME"], c["COUNCIL_ADDRESS"], c["COUNCIL_PHONE"],
                  c["COUNCIL_EMAIL"], c["COUNCIL_VAT_NUMBER"], c["PAYMENT_DETAILS"])


def einvoice_seller() -> Seller:
    """The council as an e-invoice names it (issue #32): address in parts, VAT number, bank account."""
    c = current_app.config
    return Seller(
        name=c["COUNCIL_NAME"], street=c["COUNCIL_STREET"], town=c["COUNCIL_TOWN"], postcode=c["COUNCIL_POSTCODE"],
        country=c["COUNCIL_COUNTRY"], vat_number=c["COUNCIL_VAT_NUMBER"], endpoint=c["EINVOICE_SELLER_ENDPOINT"],
        phone=c["COUNCIL_PHONE"], email=c["COUNCIL_EMAIL"], bank_account=c["COUNCIL_BANK_ACCOUNT"],
        bank_sort_code=c["COUNCIL_BANK_SORT_CODE"], bank_account_name=c["COUNCIL_BANK_ACCOUNT_NAME"],
        buyer_scheme=c["EINVOICE_BUYER_SCHEME"])


def report_issuer() -> ReportIssuer:
    """Who a KPI report is from, as printed in its heading."""
    c = current_app.config
    contact = ", ".join(v for v in (c.get("COUNCIL_PHONE"), c.get("COUNCIL_EMAIL")) if v)
    return ReportIssuer(c["COUNCIL_NAME"], c["SERVICE_NAME"], contact)
