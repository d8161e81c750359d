"""Issue #28's Done-when world: a maintained school (URN 990003) with an issued agreement for
2026-27, summer-invoiced, that GIAS closes on 30 November 2026; its successor academy (URN
150003) opens on 1 December, joined by Predecessor/Successor links."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, KeyStakeholder, School, SchoolLink, Service
from contracts_app.services import agreements as agreement_service, price_lists
from contracts_app.services.invoicing import runs as invoice_run

L = agreement_service.LineInput
YEAR = 2026
# SIMS has no academy price: academies cannot use SIMS under the council's licence (academy page).
PRICES = """service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code
ADMIN,Admin network support,maintained,banded,,,,,0-100:1200;101-250:1800;251-:2600,,S
ADMIN,Admin network support,academy,banded,,,,,0-100:1400;101-250:2100;251-:2900,,S
SIMS,SIMS support,maintained,per_pupil,,3.10,950,,,,S
AV,Anti-virus,all,per_unit,,4.75,,,,device,S
DPO,Data protection officer,all,flat,900,,,,,,E
"""
CATALOGUE = [("ADMIN", "Admin network support", "", "subscribed"), ("SIMS", "SIMS support", "", "subscribed"),
             ("AV", "Anti-virus", "device", "subscribed"), ("DPO", "Data protection officer", "", "additional")]
LINES = [L("ADMIN", "subscribed"), L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
         L("DPO", "subscribed")]


def priced_year() -> None:
    for code, title, unit, default_list in CATALOGUE:
        db.session.add(Service(code=code, title=title, unit=unit, default_list=default_list,
                               description=f"What {title} covers."))
    db.session.commit()
    price_lists.import_price_list(PRICES.encode(), YEAR, "prices.csv")
    price_lists.publish(YEAR, "test")


def school(urn: int, name: str, establishment_type: str = "Community school", **fields) -> School:
    found = School(urn=urn, name=name, establishment_type=establishment_type, la_code=141, la_name="Coventry",
                   postcode="CV1 1AA", customer_type_derived="academy" if "cademy" in establishment_type
                   else "maintained", **fields)
    found.refresh_derived_fields()
    db.session.add(found)
    db.session.commit()
    return found


def agreement_for(found: School, lines=LINES, po_number: str = "PO-990003"):
    db.session.add(CensusFigure(school=found, census=f"{YEAR}-01", pupils=412))
    db.session.commit()
    agreement = agreement_service.create_draft(YEAR, school=found, from_catalogue=False)
    agreement_service.set_lines(agreement, lines)
    agreement.po_number = po_number
    agreement_service.issue(agreement, "sla@test")
    db.session.commit()
    return agreement


def close(found: School, on: date, reason: str = "Academy converter", status: str = "Closed") -> None:
    found.status, found.closed_on, found.close_reason = status, on, reason
    db.session.commit()


def link(urn: int, link_urn: int, link_type: str) -> None:
    db.session.add(SchoolLink(urn=urn, link_urn=link_urn, link_type=link_type, link_name=""))
    db.session.commit()


def conversion(summer_run: bool = True) -> dict:
    """The Done-when world, summer run raised; returns the schools and the agreement."""
    priced_year()
    maintained = school(990003, "Whitley Academy Primary (maintained)", street="Abbey Road")
    maintained.stakeholders.append(KeyStakeholder(name="Pat Head", role="Headteacher", email="head@990003.example"))
    agreement = agreement_for(maintained)
    if summer_run:
        invoice_run.run(YEAR, "summer", date(YEAR, 4, 10), "finance@test")
    close(maintained, date(YEAR, 11, 30))
    academy = school(150003, "Whitley Academy", "Academy converter", opened_on=date(YEAR, 12, 1),
                     open_reason="Academy converter")
    link(990003, 150003, "Successor")
    link(150003, 990003, "Predecessor")
    return {"maintained": maintained, "academy": academy, "agreement": agreement}
