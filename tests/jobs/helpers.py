"""A small world for job tests: schools with agreements of 2025, next year's list published."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement
from contracts_app.services import agreements as agreement_service, price_lists
from tests.agreements_fixtures import PRICES_2026, add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput


def priced_world(make_school, schools: int = 3, next_year: bool = True) -> list:
    """``schools`` maintained schools with issued 2025 agreements (118 anti-virus devices each)."""
    build_priced_world(2025)
    if next_year:
        price_lists.import_price_list(PRICES_2026.encode(), 2026, "prices-2026.csv")
        price_lists.publish(2026, "test")
    made = []
    for n in range(schools):
        school = make_school(urn=103700 + n, name=f"Allesley School {n}")
        add_census(school, "2025-01", 200 + n)
        add_census(school, "2026-01", 210 + n)
        issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(118)), L("DPO", "subscribed"),
                         L("WEB", "excluded")],
                        school=school)
        made.append(school)
    return made


def count(year: int, status: str | None = None) -> int:
    query = select(func.count()).select_from(Agreement).where(Agreement.sla_year == year)
    if status:
        query = query.where(Agreement.status == status)
    db.session.expire_all()
    return db.session.scalar(query)


def zip_texts(data: bytes) -> dict[str, str]:
    """Each PDF of the ZIP by name, as the extracted text of its first page (the party is named there)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
                for name in archive.namelist()}


def many_schools(count: int, year: int = 2025) -> dict[int, list[str]]:
    """``count`` schools in GIAS proportions (benchmarks/dataset.py) with issued agreements of 15 services
    for ``year``, and 0-2 invoice contacts each. Returns {school id: its invoice contacts' addresses}."""
    from sqlalchemy import insert

    from benchmarks import dataset
    from contracts_app.models import KeyStakeholder, School
    from contracts_app.services.agreements.issuing import issue_year
    from contracts_app.services.schools import import_schools

    import_schools(dataset.gias_csv(count), "test GIAS")
    dataset.load_catalogue_and_prices(year)
    dataset.load_census(year)
    dataset.load_draft_agreements(year)
    issue_year(year, "test")
    contacts: dict[int, list[str]] = {}
    rows = []
    for school_id, urn in db.session.execute(select(School.id, School.urn)).all():
        contacts[school_id] = [f"bursar{i}@{urn}.example" for i in range(urn % 3)]  # 0, 1 or 2 contacts
        rows += [{"school_id": school_id, "name": f"Bursar {i}", "role": "Bursar", "email": address, "phone": "",
                  "invoices": True, "agreements": False, "notices": False}
                 for i, address in enumerate(contacts[school_id])]
    db.session.execute(insert(KeyStakeholder), rows)
    db.session.commit()
    return contacts
