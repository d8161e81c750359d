"""The demo's trusts (issue #29): one billed per academy, one consolidated, each with academies,
a finance contact and a signatory, and a trust user who signs for the first."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import School, Trust, TrustContact, TrustMembership, User
from contracts_app.services import users as user_service

TRUSTS = (  # code, name, billing, Companies House number
    ("16001", "Spires Learning Trust", "per_academy", "09876543"),
    ("16002", "Arden Valley Academies Trust", "consolidated", "08765432"),
)
TRUST_USER = ("trust@demo.example", "demo-trust-signatory-pass")


def load(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """The two trusts and the trust user (idempotent: a second load adds nothing)."""
    if db.session.scalar(select(Trust).where(Trust.code == TRUSTS[0][0])) is not None:
        return ["Trusts: already loaded"]
    academies = sorted((s for s in schools.values() if s.customer_type == "academy"), key=lambda s: s.urn)
    halves = (academies[: len(academies) // 2][:4], academies[len(academies) // 2:][:4])
    lines = []
    for (code, name, billing, number), members in zip(TRUSTS, halves):
        trust = Trust(code=code, name=name, name_lower=name.lower(), billing=billing, companies_house_number=number,
                      street=f"{rng.randint(1, 90)} Trust House, Priory Street", town="Coventry", postcode="CV1 5FB")
        slug = name.lower().replace(" ", "")[:16]
        trust.contacts = [
            TrustContact(name="Fay Okafor" if code == "16001" else "Glen Marsh", role="Chief Financial Officer",
                         email=f"finance@{slug}.demo.example", finance=True),
            TrustContact(name="Ruth Adeyemi" if code == "16001" else "Hugh Penrose", role="Chief Executive",
                         email=f"ceo@{slug}.demo.example", finance=False, signatory=True),
        ]
        db.session.add(trust)
        for school in members:
            db.session.add(TrustMembership(trust=trust, school=school, joined_on=date(year - 2, 9, 1),
                                           source="gias", note="demo"))
        lines.append(f"Trust {code} {name} ({billing}): {len(members)} academies")
    email, password = TRUST_USER
    if db.session.scalar(select(User).where(User.email == email)) is None:
        user = User(email=email, role="school", name="Demo trust signatory", signatory=True)
        user_service.check_password_strength(password, user_inputs=(email, user.name))
        user.set_password(password)
        user.trust = db.session.scalar(select(Trust).where(Trust.code == TRUSTS[0][0]))
        db.session.add(user)
        lines.append(f"User {email} / password {password} · role school (trust {TRUSTS[0][0]} {TRUSTS[0][1]})")
    db.session.commit()
    return lines
