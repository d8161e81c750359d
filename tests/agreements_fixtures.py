"""A small priced world for agreement and invoice tests: catalogue, a published list, census."""
from __future__ import annotations

from decimal import Decimal

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, Service
from contracts_app.services import agreements as agreement_service, price_lists

PRICES_2025 = """service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code
ADMIN,Admin network support,maintained,banded,,,,,0-100:1200;101-250:1800;251-:2600,,S
ADMIN,Admin network support,academy,banded,,,,,0-100:1400;101-250:2100;251-:2900,,S
SIMS,SIMS support,all,per_pupil,,3.10,950,,,,S
AV,Anti-virus,all,per_unit,,4.75,,,,device,S
DPO,Data protection officer,all,flat,900,,,,,,E
ADHOC,Ad hoc work,maintained,per_unit,,62,,,,hour,S
ADHOC,Ad hoc work,academy,per_unit,,72,,,,hour,S
"""
PRICES_2026 = PRICES_2025.replace("3.10", "3.30").replace("0-100:1200", "0-100:1250").replace(",900,", ",950,")
CATALOGUE = [("ADMIN", "Admin network support", "", "subscribed"), ("SIMS", "SIMS support", "", "subscribed"),
             ("AV", "Anti-virus", "device", "subscribed"), ("DPO", "Data protection officer", "", "additional"),
             ("WEB", "Website hosting", "", "excluded")]


def build_priced_world(year: int = 2025, publish: bool = True) -> None:
    for code, title, unit, default_list in CATALOGUE:
        db.session.add(Service(code=code, title=title, unit=unit, default_list=default_list,
                               description=f"What {title} covers."))
    db.session.commit()
    price_lists.import_price_list(PRICES_2025.encode(), year, "prices.csv")
    if publish:
        price_lists.publish(year, "test")


def add_census(school, label: str, pupils: int) -> None:
    db.session.add(CensusFigure(school=school, census=label, pupils=pupils))
    db.session.commit()


def money(text: str) -> Decimal:
    return Decimal(text)


def issue_agreement(lines, *, school=None, group=None, year: int = 2025, by: str = "t", po_number: str = "",
                    **details):
    """A draft with exactly ``lines`` (no catalogue defaults), issued by ``by`` and committed."""
    agreement = agreement_service.create_draft(year, school=school, group=group, from_catalogue=False, **details)
    agreement_service.set_lines(agreement, lines)
    if po_number:
        agreement.po_number = po_number
    agreement_service.issue(agreement, by)
    db.session.commit()
    return agreement
