"""Plain facts for the pure document tests: a maintained school, an academy and a group."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.filling import AgreementFacts, Contact, Council, ServiceLine
from documents.template import read_template

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "contracts_app" / "sla_templates" / "default.md"
# In CI the shared folder sits beside the repository: ../shared/seeds.
SEED = REPO.parent / "shared" / "seeds" / "000_fec66cb3ab584f0d.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the customer's SLA document is not at {SEED}")

COUNCIL = Council()

SUBSCRIBED = (
    ServiceLine("ADMIN", "Admin network support", Decimal(1), "", None, None, Decimal("2600.00"),
                "412 pupils (January 2025 census): band 251+ : £2,600.00", "S",
                "Support for the school's administration network."),
    ServiceLine("SIMS", "SIMS support", Decimal(1), "", None, None, Decimal("1277.20"),
                "412 pupils (January 2025 census) x £3.10 = £1,277.20", "S", "Help with SIMS and the census."),
    ServiceLine("AV", "Anti-virus", Decimal(30), "device", None, None, Decimal("142.50"), "30 x £4.75 = £142.50",
                "S", "Anti-virus licences for every machine."),
)


def facts(**changes) -> AgreementFacts:
    base = AgreementFacts(
        party_name="Allesley Primary School", schools=(("Allesley Primary School", 103700),),
        customer_type="maintained", sla_year_label="2025-26", term_start=date(2025, 4, 1),
        term_end=date(2026, 3, 31), subscribed=SUBSCRIBED,
        additional=(ServiceLine("DPO", "Data protection officer"),),
        excluded=(ServiceLine("WEB", "Website hosting"),), annual_total=Decimal("4019.70"),
        odm_name="Priya Sharma", odm_email="priya.sharma@council.example", po_number="PO-103700",
        stakeholders=(Contact("Ann Head", "Headteacher", "head@allesley.example", "024 7600 0001"),
                      Contact("Bo Manager", "School Business Manager", "sbm@allesley.example", "")),
        issued_on=date(2025, 4, 2))
    return replace(base, **changes)


def default_template():
    return read_template(DEFAULT.read_text(encoding="utf-8"), DEFAULT.name).template


def pdf_text(data: bytes) -> tuple[list[str], str]:
    """Each page's text, and all of it."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return pages, "\n".join(pages)


def academy_markdown(version: str = "3.0") -> str:
    """The default template as the council's academy SLA (seed 002): §6.2 P1 0-2 h, P2 0-6 h,
    P3 0-3 days, P4 3-5 days; §11.1 80% of calls answered within 20 seconds."""
    text = DEFAULT.read_text(encoding="utf-8")
    control = next(line for line in text.splitlines() if line.startswith("| 1.0 |"))
    text = text.replace(control, control + f"\n| {version} | 1 April 2026 | Academy SLA | 6, 18 | For academies |")
    for old, new in (("0 - 4 Service Desk Hours", "0 - 2 Service Desk Hours"),
                     ("0 - 7 Service Desk Hours", "0 - 6 Service Desk Hours"),
                     ("0 - 3 Working Days", "0 - 3 Service Desk Days"),
                     ("0 - 5 Working Days", "3 - 5 Service Desk Days"),
                     ("80% of calls to the service desk answered within 60 seconds",
                      "80% of Service Desk calls answered < 20 seconds")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text
