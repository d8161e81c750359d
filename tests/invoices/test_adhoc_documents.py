"""The ad hoc estimate (§7.3) and the rework report (§9.5) on paper."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from adhoc.charging import WorkEntry, charge_breakdown
from invoices.adhoc_documents import (
    EstimateDocument,
    ReworkReport,
    render_estimate_pdf,
    render_rework_report_pdf,
    report_summary,
)
from invoices.document import Issuer
from invoices.vat import vat_summary

RATES = {2025: Decimal("62.00"), 2026: Decimal("65.00")}
ISSUER = Issuer("Coventry City Council", "ICT & Digital", "Council House, Coventry", "024 7678 6620",
                "ict@example.org", "GB 123", "BACS")


def e(day: date, minutes: int, who: str = "", note: str = "") -> WorkEntry:
    return WorkEntry(day, minutes, who, note)


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def estimate(**changes) -> EstimateDocument:
    fields = dict(reference="SR104233", kind_name="Project service request", kind_section="§7.3",
                  school_name="Allesley Primary School", school_urn=103700, school_address="Allesley, CV5 9FY",
                  customer_type="maintained", description="Set up 30 Chromebooks", third_party="",
                  hours=Decimal("2.5"), sla_year_label="2025-26", rate=Decimal("62.00"), vat_code="S",
                  vat_rate=Decimal("0.20"), estimated_on=date(2025, 6, 2), estimated_by="sla@test")
    fields.update(changes)
    return EstimateDocument(**fields)


def test_estimate_figures():
    doc = estimate()
    assert (doc.charged_hours, doc.net, doc.vat, doc.gross) == (3, Decimal("186.00"), Decimal("37.20"),
                                                                Decimal("223.20"))


def test_estimate_pdf_says_what_it_costs_and_that_work_waits_for_authorisation():
    content = text(render_estimate_pdf(estimate(third_party="Acme AV Ltd"), ISSUER))
    for expected in ("Estimate", "SR104233", "Allesley Primary School", "URN 103700", "2.5 hours", "3 hours",
                     "£62.00 an hour (2025-26, maintained school)", "£186.00", "£37.20", "£223.20",
                     "until we have received your authorisation", "§7.3", "Acme AV Ltd", "§9.4", "Page 1 of 1"):
        assert expected in content, expected


def test_answered_estimate_says_who_authorised_it():
    content = text(render_estimate_pdf(estimate(answer="Authorised by Jo Head on 3 June 2025, in writing."), ISSUER))
    assert "Authorised by Jo Head on 3 June 2025" in content
    assert "until we have received" not in content


def report() -> ReworkReport:
    entries = (e(date(2026, 3, 30), 30, "Sam Patel", "Restored the DHCP scope"),
               e(date(2026, 4, 2), 45, "Rosa Quinn", "Reset the switch configuration"))
    parts = tuple(charge_breakdown(entries, RATES))
    return ReworkReport(reference="SR2", school_name="Cardinal Academy", school_urn=140001,
                        school_address="Coventry", customer_type="academy", description="Put the network right",
                        third_party="BrightSpark AV Ltd", intervention_report="They replaced the core switch config.",
                        completed_on=date(2026, 4, 3), entries=entries, parts=parts,
                        vat=tuple(vat_summary([("S", p.net) for p in parts])), invoice_number="INV-2026-000007")


def test_rework_report_totals():
    r = report()
    assert (r.minutes, r.hours, r.net, r.vat_total, r.gross) == (75, 2, Decimal("127.00"), Decimal("25.40"),
                                                                 Decimal("152.40"))


def test_rework_report_pdf_explains_the_intervention_and_the_charges():
    content = text(render_rework_report_pdf(report(), ISSUER))
    for expected in ("Report on rework", "SR2", "INV-2026-000007", "Cardinal Academy", "BrightSpark AV Ltd",
                     "Why we had to intervene", "They replaced the core switch config.", "§9.5",
                     "Breakdown of charges", "30 March 2026", "Sam Patel", "Restored the DHCP scope", "2025-26",
                     "2026-27", "£62.00 an hour", "£65.00 an hour", "£127.00", "£152.40", "1 h 15 min",
                     "Page 1 of 1"):
        assert expected in content, expected


def test_report_summary_is_the_report_in_words():
    lines = report_summary(report())
    joined = "\n".join(lines)
    assert lines[0].startswith("REPORT ON REWORK (SLA §9.5)")
    assert "BrightSpark AV Ltd" in joined and "They replaced the core switch config." in joined
    assert "2025-26: 30 min charged as 1 hour x £62.00 = £62.00" in joined
    assert "Total 2 hours, £127.00 before VAT" in joined


def test_long_reports_number_their_pages():
    r = report()
    many = tuple(e(date(2026, 4, 1) + timedelta(days=i % 20), 30, "Tech", "Work " * 20) for i in range(80))
    long = ReworkReport(**{**r.__dict__, "entries": many, "parts": tuple(charge_breakdown(many, RATES))})
    reader = PdfReader(io.BytesIO(render_rework_report_pdf(long, ISSUER)))
    assert len(reader.pages) > 1
    assert f"Page 2 of {len(reader.pages)}" in reader.pages[1].extract_text()
