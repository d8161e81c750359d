"""A realistic, made-up council: about 100 schools of every type, census figures, users.

Each step is idempotent on its own, so later additions to the demo load into an
existing demo database without duplicating what is there.
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from sqlalchemy import select

from pathlib import Path

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, KeyStakeholder, School, SchoolGroup, Service, User
from contracts_app.services import price_lists, users as user_service
from contracts_app.services.imports import read_table
from contracts_app.services.schools import import_schools

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"

FIRST_URN = 990001
PLACES = [
    "Allesley", "Binley", "Canley", "Cheylesmore", "Earlsdon", "Foleshill", "Hillfields", "Holbrooks",
    "Keresley", "Radford", "Stoke Park", "Tile Hill", "Whitley", "Willenhall", "Wyken", "Walsgrave",
    "Coundon", "Finham", "Stivichall", "Henley Green", "Bell Green", "Longford", "Wood End",
    "Ernesford Grange", "Westwood", "Eastern Green", "Whoberley", "Chapelfields", "Spon End",
    "Styvechale", "Upper Eastern Green", "Brownshill Green", "Potters Green", "Courthouse Green",
    "Aldermoor", "Stonebridge", "Lower Stoke", "Edgwick", "Harnall", "Gosford",
]
SAINTS = ["St Mary’s", "St John’s", "St Patrick’s", "St Anne’s", "St Augustine’s", "Christ the King",
          "St Thomas More", "Our Lady of the Assumption", "St Elizabeth’s", "Holy Family"]
# (GIAS type, LA code, how many, phase) - shaped like a real city's register.
MIX = [
    ("Community school", 141, 28, "Primary"), ("Community school", 141, 3, "Secondary"),
    ("Voluntary aided school", 141, 8, "Primary"), ("Voluntary controlled school", 141, 4, "Primary"),
    ("Foundation school", 141, 3, "Secondary"), ("Community special school", 141, 3, "Not applicable"),
    ("Foundation special school", 141, 1, "Not applicable"), ("Local authority nursery school", 141, 3, "Nursery"),
    ("Pupil referral unit", 141, 1, "Not applicable"),
    ("Academy converter", 141, 14, "Primary"), ("Academy converter", 141, 5, "Secondary"),
    ("Academy sponsor led", 141, 8, "Primary"), ("Academy sponsor led", 141, 3, "Secondary"),
    ("Free schools", 141, 3, "Primary"), ("Free schools", 141, 1, "Secondary"),
    ("Academy special converter", 141, 2, "Not applicable"), ("University technical college", 141, 1, "16 plus"),
    ("Studio schools", 141, 1, "Secondary"), ("Academy alternative provision converter", 141, 1, "Not applicable"),
    ("Other independent school", 141, 2, "All-through"), ("Non-maintained special school", 141, 1, "Not applicable"),
    ("Community school", 937, 3, "Primary"), ("Voluntary aided school", 937, 1, "Secondary"),
]
PUPILS = {"Primary": (180, 630), "Secondary": (700, 1650), "Nursery": (60, 140), "Not applicable": (40, 220),
          "16 plus": (150, 400), "All-through": (300, 900)}
NAME_ENDINGS = {"Primary": "Primary School", "Secondary": "Academy", "Nursery": "Nursery School",
                "Not applicable": "School", "16 plus": "UTC", "All-through": "School"}
FIRST = ["Amira", "Ben", "Carys", "Dev", "Ella", "Femi", "Grace", "Harjit", "Isla", "Jonah", "Kiran",
         "Laura", "Mo", "Nadia", "Owen", "Priya", "Rosa", "Sam", "Tariq", "Una"]
LAST = ["Ahmed", "Bennett", "Clarke", "Dhillon", "Evans", "Francis", "Green", "Hussain", "Iqbal",
        "Jones", "Khan", "Lewis", "Murphy", "Nowak", "O’Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor"]
DEMO_PASSWORDS = {
    "admin": ("admin@demo.example", "demo-admin-pass"),
    "sla": ("sla@demo.example", "demo-sla-pass"),
    "finance": ("finance@demo.example", "demo-finance-pass"),
    "school": ("school@demo.example", "demo-school-pass"),
}


@dataclass
class DemoReport:
    lines: list[str]


def _gias_rows(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    urn = FIRST_URN
    places = PLACES[:]
    rng.shuffle(places)
    used: set[str] = set()
    for est_type, la, count, phase in MIX:
        for _ in range(count):
            place = places[(urn - FIRST_URN) % len(places)]
            if est_type == "Voluntary aided school":
                base = f"{SAINTS[(urn - FIRST_URN) % len(SAINTS)]} Catholic"
            elif est_type == "Voluntary controlled school":
                base = f"{place} Church of England"
            else:
                base = place
            ending = NAME_ENDINGS[phase]
            if est_type in ("Community school", "Foundation school") and phase == "Secondary":
                ending = "School"
            if "special" in est_type.lower():
                ending = "Special School"
            if est_type == "Pupil referral unit":
                ending = "Pupil Referral Unit"
            if est_type == "Free schools":
                ending = "Free School"
            name = f"{base} {ending}"
            if name in used:
                name = f"{base} {'Junior' if phase == 'Primary' else 'Community'} {ending}"
            used.add(name)
            low, high = PUPILS[phase]
            rows.append({
                "URN": str(urn), "LA (code)": str(la), "LA (name)": "Coventry" if la == 141 else "Warwickshire",
                "EstablishmentName": name, "TypeOfEstablishment (name)": est_type,
                "EstablishmentStatus (name)": "Open", "PhaseOfEducation (name)": phase,
                "Street": f"{rng.randint(1, 240)} {place} Road", "Town": "Coventry" if la == 141 else "Nuneaton",
                "Postcode": f"CV{rng.randint(1, 7)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                "TelephoneNum": f"024 76{rng.randint(100000, 999999)}",
                "HeadFirstName": rng.choice(FIRST), "HeadLastName": rng.choice(LAST),
                "NumberOfPupils": str(rng.randint(low, high)),
            })
            urn += 1
    return rows


def _to_gias_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")  # as real GIAS extracts are


def database_is_empty() -> bool:
    return db.session.scalar(select(School.id).limit(1)) is None and \
        db.session.scalar(select(User.id).limit(1)) is None


def load_demo(sla_year_start: int) -> DemoReport:
    """Load the demo council for the SLA year starting 1 April ``sla_year_start``."""
    rng = random.Random(2026)
    lines: list[str] = []
    rows = _gias_rows(rng)
    if db.session.scalar(select(School.id).where(School.urn == FIRST_URN)) is None:
        report = import_schools(_to_gias_csv(rows), "demo GIAS extract")
        lines.append(f"Schools: {report.summary()}")
    else:
        lines.append("Schools: already loaded")

    schools = {s.urn: s for s in db.session.scalars(select(School).where(School.urn >= FIRST_URN))}
    lines.append(_census(rng, schools, sla_year_start))
    lines.append(_contacts(rng, schools))
    lines.append(_group(schools))
    lines.append(_catalogue())
    lines.extend(_price_lists(sla_year_start))
    from contracts_app.services.demo import trusts  # before the runs: they bill the trusts (#29)

    lines.extend(trusts.load(random.Random(29), schools, sla_year_start))
    lines.extend(_agreements_and_invoices(rng, schools, sla_year_start))
    lines.extend(_areas(rng, schools, sla_year_start))
    lines.extend(_users(schools))
    lines.extend(_round(rng, schools, sla_year_start))
    db.session.commit()
    return DemoReport(lines)


def _census(rng: random.Random, schools: dict[int, School], year: int) -> str:
    """October and January censuses before the SLA year; a few new schools lack January."""
    existing = {(c.school_id, c.census) for c in db.session.scalars(select(CensusFigure))}
    added = 0
    for school in schools.values():
        base = school.gias_pupils or 100
        for census, drift in ((f"{year - 1}-10", 0), (f"{year}-01", rng.randint(-12, 15))):
            if (school.id, census) in existing:
                continue
            if census.endswith("-01") and school.urn % 37 == 0:
                continue  # a school missing from the January census, to show the report
            db.session.add(CensusFigure(school=school, census=census, pupils=max(1, base + drift)))
            added += 1
    return f"Census figures: {added} added"


def _contacts(rng: random.Random, schools: dict[int, School]) -> str:
    added = 0
    for school in schools.values():
        if school.stakeholders:
            continue
        head = school.head_name or f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        slug = school.name.lower().replace("’", "").replace(" ", "")[:20]
        # The head receives agreements and notices by email, the business manager invoices and notices.
        db.session.add(KeyStakeholder(school=school, name=head, role="Headteacher",
                                      email=f"head@{slug}.demo.example", phone=school.telephone, invoices=False))
        db.session.add(KeyStakeholder(school=school, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                      role="School Business Manager", email=f"sbm@{slug}.demo.example",
                                      phone=school.telephone, agreements=False))
        added += 2
    return f"Key stakeholders: {added} added"


def _group(schools: dict[int, School]) -> str:
    name = "Three Spires Federation"
    if db.session.scalar(select(SchoolGroup).where(SchoolGroup.name == name)):
        return "School groups: already loaded"
    members = [s for s in schools.values() if s.establishment_type == "Community school" and s.la_code == 141][:2]
    group = SchoolGroup(name=name, schools=members, lead_school=members[0] if members else None)
    db.session.add(group)
    return f"School groups: {name} with {len(members)} schools"


def _catalogue() -> str:
    known = set(db.session.scalars(select(Service.code)))
    added = 0
    for row in read_table(DEMO_DATA / "catalogue.csv", "demo catalogue").to_dict("records"):
        if row["code"] in known:
            continue
        db.session.add(Service(**row))
        added += 1
    db.session.commit()
    return f"Catalogue: {added} services added"


def _price_lists(year: int) -> list[str]:
    """Last year's list and this year's, both published, so the comparison page has data."""
    lines = []
    for start, name in ((year - 1, "prices_previous.csv"), (year, "prices_current.csv")):
        if price_lists.latest(start) is not None:
            lines.append(f"Price list {start}: already loaded")
            continue
        price_lists.import_price_list(DEMO_DATA / name, start, f"demo {name}")
        published = price_lists.publish(start, "demo")
        lines.append(f"Price list: {published.name} published")
    return lines


CORE = ["ADMIN-SUPPORT", "ANTIVIRUS", "SAFEGUARD", "ISP", "EMAIL"]
EXTRAS = ["BACKUP", "CURRICULUM", "WIFI", "TECH-DAYS", "TELEPHONY", "DPO", "CYBER"]
UNITS = {"ANTIVIRUS": (20, 180), "BACKUP": (1, 2), "WIFI": (1, 3), "TECH-DAYS": (5, 40)}


def _agreements_and_invoices(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """Agreements for most schools, issued, with this year's invoice runs and some payments."""
    from datetime import date
    from decimal import Decimal

    from contracts_app.models import Agreement
    from contracts_app.services import agreements
    from contracts_app.services.invoicing import runs as invoice_run, balances as invoicing

    if db.session.scalar(select(Agreement.id).where(Agreement.sla_year == year).limit(1)):
        return ["Agreements: already loaded"]
    from contracts_app.services.demo import groups

    odms = ["Priya Sharma (odm@coventry.gov.uk)", "Tom Walsh (odm@coventry.gov.uk)"]
    federated, group_lines = groups.draft(year, schools)
    created = 1
    for urn, school in sorted(schools.items()):
        if urn % 11 == 0 or school.id in federated:
            continue  # not every school buys the SLA; a federation's members buy through the group
        items = [agreements.LineInput(code, "subscribed", Decimal(rng.randint(*UNITS[code])) if code in UNITS
                                      else Decimal(1)) for code in CORE]
        if school.customer_type == "maintained":
            items.append(agreements.LineInput("SIMS-SUPPORT", "subscribed"))
        for code in rng.sample(EXTRAS, 3):
            items.append(agreements.LineInput(code, rng.choice(["subscribed", "additional"]),
                                              Decimal(rng.randint(*UNITS[code])) if code in UNITS else Decimal(1)))
        items.append(agreements.LineInput("WEBSITE", "excluded"))
        agreement = agreements.create_draft(year, school=school, from_catalogue=False,
                                            odm_name=odms[urn % 2])
        agreement.po_number = f"PO{year % 100}{urn % 10000:04d}"
        agreements.set_lines(agreement, items)
        created += 1
    db.session.commit()
    issued = agreements.issue_year(year, "demo")
    lines = group_lines + [f"Agreements: {created} drafts, {len(issued.issued)} issued, {len(issued.refused)} left "
                           "as drafts (no census figure)"]
    today = date.today()
    for term, issue_date in (("summer", date(year, 4, 15)), ("autumn", date(year, 9, 15))):
        if issue_date > today:
            continue
        report = invoice_run.run(year, term, issue_date, "demo")
        lines.append(f"Invoice run {term}: {report.count} invoices, £{report.total_gross:,.2f} gross")
    from contracts_app.models import Invoice

    paid = 0
    for invoice in db.session.scalars(select(Invoice).where(Invoice.kind == "invoice").order_by(Invoice.number)):
        roll = rng.random()
        if roll < 0.6:
            invoicing.record_payment(invoice, invoice.gross, min(invoice.due_date, today), f"BACS {invoice.school_urn}",
                                     "demo")
            paid += 1
        elif roll < 0.7:
            # Never dated ahead of today: invoices.bounds refuses a payment from the future.
            invoicing.record_payment(invoice, (invoice.gross / 2).quantize(Decimal("0.01")),
                                     min(invoice.due_date, today), "part payment", "demo")
            paid += 1
    lines.append(f"Payments: {paid} recorded")
    return lines


def _areas(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """Each area's own demo step (services/demo/<area>.py: load(rng, schools, year) -> lines)."""
    from contracts_app.services.demo import adhoc, documents, servicedesk

    lines: list[str] = []
    for area in (documents, adhoc, servicedesk):
        lines.extend(area.load(rng, schools, year))
    db.session.commit()
    return lines


def _round(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """Next year's list published and its buying round open (after the users: the school user signs)."""
    from contracts_app.services.demo import rounds

    db.session.commit()
    return rounds.load(rng, schools, year)


def _users(schools: dict[int, School]) -> list[str]:
    lines = []
    first_school = schools.get(FIRST_URN)
    for role, (email, password) in DEMO_PASSWORDS.items():
        if db.session.scalar(select(User).where(User.email == email)):
            lines.append(f"User {email} already exists")
            continue
        user = User(email=email, role=role, name=f"Demo {role} user",
                    school=first_school if role == "school" else None,
                    signatory=role == "school")  # the demo school user may accept its offer
        user_service.check_password_strength(password, user_inputs=(email, user.name))  # the one password rule
        user.set_password(password)
        db.session.add(user)
        extra = f" (school {first_school.urn} {first_school.name})" if role == "school" and first_school else ""
        lines.append(f"User {email} / password {password} · role {role}{extra}")
    return lines
