"""A realistic England-sized data set: schools in GIAS proportions, census, prices, agreements."""
from __future__ import annotations

import csv
import io
import random
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, CensusFigure, School, Service, Trust, TrustMembership
from contracts_app.services import price_lists

# Rough shares of open establishments in GIAS (England), with a phase and a pupil range.
TYPES = [
    ("Community school", 0.33, "Primary", (90, 630)),
    ("Voluntary aided school", 0.10, "Primary", (100, 500)),
    ("Voluntary controlled school", 0.07, "Primary", (60, 350)),
    ("Foundation school", 0.03, "Secondary", (600, 1500)),
    ("Academy converter", 0.25, "Primary", (120, 700)),
    ("Academy sponsor led", 0.07, "Secondary", (500, 1600)),
    ("Free schools", 0.03, "Primary", (100, 600)),
    ("Community special school", 0.03, "Not applicable", (40, 250)),
    ("Local authority nursery school", 0.015, "Nursery", (50, 150)),
    ("Pupil referral unit", 0.01, "Not applicable", (10, 90)),
    ("Other independent school", 0.055, "All-through", (50, 900)),
]
LAS = [(141, "Coventry")] + [(200 + i, f"Local authority {i}") for i in range(150)]
SERVICES = ["ADMIN-SUPPORT", "SIMS-SUPPORT", "ISP", "ANTIVIRUS", "SAFEGUARD", "EMAIL", "BACKUP", "CURRICULUM",
            "WIFI", "TECH-DAYS", "TELEPHONY", "DPO", "CYBER", "WEBSITE", "CLASSROOM-AV"]
PRICES = """service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code
ADMIN-SUPPORT,Admin network support,maintained,banded,,,,,0-100:1250;101-250:1890;251-500:2520;501-:3380,,S
ADMIN-SUPPORT,Admin network support,academy,banded,,,,,0-100:1450;101-250:2190;251-500:2920;501-:3920,,S
SIMS-SUPPORT,SIMS and FMS support,maintained,per_pupil,,3.10,950,4200,,,S
SIMS-SUPPORT,SIMS and FMS support,academy,per_pupil,,3.565,1100,4800,,,S
ISP,Internet service,all,base_plus_per_pupil,620,1.15,,,,,S
ANTIVIRUS,Anti-virus licences,all,per_unit,,4.75,,,,device,S
SAFEGUARD,Online safeguarding,all,per_pupil,,0.85,250,,,,S
EMAIL,Email support,maintained,flat,780,,,,,,S
EMAIL,Email support,academy,flat,920,,,,,,S
BACKUP,Remote backup,all,per_unit,,540,,,,site,S
CURRICULUM,Curriculum network support,all,banded,,,,,0-250:2100;251-600:3400;601-:5200,,S
WIFI,Wireless network support,all,per_unit,,380,,,,site,S
TECH-DAYS,On-site technician days,all,per_unit,,295,,,,day,S
TELEPHONY,Telephony support,all,flat,450,,,,,,S
DPO,Data protection officer,all,banded,,,,,0-300:950;301-:1450,,E
CYBER,Cyber security monitoring,all,flat,690,,,,,,S
WEBSITE,Website hosting,all,flat,300,,,,,,S
CLASSROOM-AV,Classroom AV,all,per_unit,,120,,,,room,S
ADHOC,Ad hoc work,maintained,per_unit,,62,,,,hour,S
ADHOC,Ad hoc work,academy,per_unit,,72,,,,hour,S
"""
UNITS = {"ANTIVIRUS": (20, 300), "BACKUP": (1, 2), "WIFI": (1, 3), "TECH-DAYS": (5, 40), "CLASSROOM-AV": (5, 30)}


def gias_csv(count: int, seed: int = 25) -> bytes:
    """A GIAS-shaped extract (cp1252, many columns as the real one) of ``count`` schools."""
    rng = random.Random(seed)
    out = io.StringIO()
    columns = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
               "TypeOfEstablishment (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)",
               "StatutoryLowAge", "StatutoryHighAge", "NumberOfPupils", "Street", "Locality", "Town", "Postcode",
               "SchoolWebsite", "TelephoneNum", "HeadTitle (name)", "HeadFirstName", "HeadLastName",
               "Trusts (name)", "OpenDate", "CloseDate"]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    weights = [t[1] for t in TYPES]
    for i in range(count):
        kind, _, phase, (low, high) = rng.choices(TYPES, weights)[0]
        la_code, la_name = LAS[i % len(LAS)] if i % 40 else LAS[0]
        writer.writerow([100000 + i, la_code, la_name, 2000 + i % 8000, f"St Bench’s School {i}", kind, "Open",
                         phase, 4, 11, rng.randint(low, high), f"{i} School Road", "", "Town",
                         f"AB{i % 99} {i % 9}CD", "", "01234 567890", "Mrs", "Alex", "Head", "",
                         f"01-09-{1990 + i % 30}", ""])  # GIAS's DD-MM-YYYY, read since issue #28
    return out.getvalue().encode("cp1252")


def load_catalogue_and_prices(year: int) -> None:
    db.session.execute(insert(Service), [
        {"code": code, "title": code.replace("-", " ").title(), "category": "", "unit": "",
         "default_list": "subscribed", "description": f"What the {code} service covers, for the appendix."}
        for code in SERVICES])
    db.session.commit()
    price_lists.import_price_list(PRICES.encode(), year, "bench prices")
    price_lists.publish(year, "bench")


def load_census(year: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    rows = [{"school_id": sid, "census": f"{year}-01", "pupils": (pupils or 200) + rng.randint(-10, 10),
             "source": "census", "note": ""}
            for sid, pupils in db.session.execute(select(School.id, School.gias_pupils))]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(CensusFigure), rows[start:start + 5000])
    db.session.commit()


TRUST_SIZE = 10
ACADEMY_TYPES = ("Academy converter", "Academy sponsor led", "Free schools")


def load_trusts(year: int) -> dict[str, int]:
    """Issue #29's national shape: a quarter of the academies in consolidated trusts of ten (one
    invoice per run each), a quarter in trusts billed per academy, the rest in none; members since
    before the year, so every run bills through them. Written in bulk (not measured)."""
    academies = list(db.session.scalars(select(School.id).where(School.establishment_type.in_(ACADEMY_TYPES))
                                        .order_by(School.id)))
    quarter = len(academies) // 4
    groups = [(billing, academies[start:min(start + TRUST_SIZE, first + quarter)]) for billing, first in
              (("consolidated", 0), ("per_academy", quarter))
              for start in range(first, first + quarter, TRUST_SIZE)]
    trusts = [{"code": str(20000 + n), "name": f"Bench Trust {n}", "name_lower": f"bench trust {n}",
               "billing": billing, "street": f"{n} Trust House", "town": "Town", "postcode": "AB1 2CD"}
              for n, (billing, _) in enumerate(groups)]
    ids = db.session.execute(insert(Trust).returning(Trust.id, sort_by_parameter_order=True), trusts).scalars().all() \
        if trusts else []
    members = [{"trust_id": trust_id, "school_id": school_id, "joined_on": date(year - 2, 9, 1), "source": "gias",
                "note": "bench"} for trust_id, (_, schools) in zip(ids, groups) for school_id in schools]
    if members:
        db.session.execute(insert(TrustMembership), members)
    db.session.commit()
    return {billing: sum(len(s) for b, s in groups if b == billing) for billing in ("consolidated", "per_academy")}


def load_draft_agreements(year: int, seed: int = 11) -> int:
    """One draft per school with 15 lines, written in bulk (the benchmark measures issuing)."""
    rng = random.Random(seed)
    services = dict(db.session.execute(select(Service.code, Service.id)).all())
    schools = db.session.execute(select(School.id, School.customer_type)).all()
    agreements = [{"sla_year": year, "school_id": sid, "status": "draft", "term_start": date(year, 4, 1),
                   "term_end": date(year + 1, 3, 31), "customer_type": ctype, "odm_name": "ODM",
                   "odm_email": "", "po_number": "", "notes": ""} for sid, ctype in schools]
    ids = []
    for start in range(0, len(agreements), 2000):
        ids += db.session.execute(insert(Agreement).returning(Agreement.id, sort_by_parameter_order=True),
                                  agreements[start:start + 2000]).scalars().all()
    lines = []
    for agreement_id in ids:
        for code in SERVICES:
            quantity = Decimal(rng.randint(*UNITS[code])) if code in UNITS else Decimal(1)
            lines.append({"agreement_id": agreement_id, "service_id": services[code], "service_code": code,
                          "title": code.title(), "list_name": "subscribed", "quantity": quantity,
                          "start_date": date(year, 11, 15) if code == "WEBSITE" and agreement_id % 10 == 0 else None,
                          "explanation": ""})
        if len(lines) >= 30000:
            db.session.execute(insert(AgreementLine), lines)
            lines = []
    if lines:
        db.session.execute(insert(AgreementLine), lines)
    db.session.commit()
    return len(ids)
