"""The demo's federation (issue #29, §2.1): two maintained schools sharing one agreement this year,
so next year's round shows one offer for the group, priced per member, and a group signatory who
answers it (Three Spires Federation, the other demo group, has no agreement of its own)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, School, SchoolGroup, User
from contracts_app.services import agreements, users as user_service

NAME = "Canley Federation"
GROUP_USER = ("federation@demo.example", "demo-federation-signatory-pass")
LINES = [("ADMIN-SUPPORT", 1), ("ANTIVIRUS", 60), ("SAFEGUARD", 1), ("ISP", 1), ("EMAIL", 1), ("BACKUP", 1)]


def _members(schools: dict[int, School]) -> list[School]:
    """The last two maintained schools that buy the SLA (the demo round's answering schools are the first)."""
    found = [s for urn, s in sorted(schools.items(), reverse=True)
             if s.customer_type == "maintained" and urn % 11 and not s.groups]
    return sorted(found[:2], key=lambda s: s.urn)


def draft(year: int, schools: dict[int, School]) -> tuple[set[int], list[str]]:
    """The federation and this year's draft for it (issued with the year's drafts); returns the
    members' ids (they buy through the group, not alone) and what was done."""
    group = db.session.scalar(select(SchoolGroup).where(SchoolGroup.name == NAME))
    if group is None:
        members = _members(schools)
        group = SchoolGroup(name=NAME, schools=members, lead_school=members[-1])
        db.session.add(group)
        db.session.flush()
    lines = [f"School groups: {NAME} with {len(group.schools)} schools, one agreement"]
    if db.session.scalar(select(Agreement.id).where(Agreement.group_id == group.id, Agreement.sla_year == year)):
        return {m.id for m in group.schools}, lines
    agreement = agreements.create_draft(year, group=group, from_catalogue=False,
                                        odm_name="Priya Sharma (odm@coventry.gov.uk)")
    agreement.po_number = f"PO{year % 100}FED1"
    agreements.set_lines(agreement, [agreements.LineInput(code, "subscribed", Decimal(qty)) for code, qty in LINES]
                         + [agreements.LineInput("WEBSITE", "excluded")])
    lines += _user(group)
    return {m.id for m in group.schools}, lines


def _user(group: SchoolGroup) -> list[str]:
    email, password = GROUP_USER
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        return []
    user = User(email=email, role="school", name="Demo federation signatory", signatory=True, group=group)
    user_service.check_password_strength(password, user_inputs=(email, user.name))
    user.set_password(password)
    db.session.add(user)
    return [f"User {email} / password {password} · role school (group {group.name})"]
