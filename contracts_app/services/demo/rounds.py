"""The demo's buying round: next year's price list (this year's plus 3%) published, the January
census before it, and next year's round open with schools in each state (no answer comes only
with the close). Called by ``services.demo`` after the users (``load(rng, schools, year) -> lines``);
idempotent."""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, School, User
from contracts_app.services import price_lists
from contracts_app.services.rounds import basket
from contracts_app.services.rounds.acceptance import AcceptanceRequest, accept, decline
from contracts_app.services.rounds.opening import RoundSettings, find_round, open_round

UPLIFT = Decimal("1.03")
# As in services/demo/council.py (not imported from there: it calls this module).
DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"
FIRST_URN = 990001


def _uplifted(text: str) -> str:
    """Next year's list: every amount and rate up 3% (bands' amounts too)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for name in ("amount", "rate", "minimum", "maximum"):
            if row[name]:
                places = Decimal("0.001") if name == "rate" else Decimal("1")
                row[name] = str((Decimal(row[name]) * UPLIFT).quantize(places, ROUND_HALF_UP))
        if row["bands"]:
            row["bands"] = ";".join(f"{span}:{(Decimal(price) * UPLIFT).quantize(Decimal('1'))}"
                                    for span, price in (part.rsplit(":", 1) for part in row["bands"].split(";")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _census(rng: random.Random, schools: dict[int, School], year: int) -> None:
    """The January census before next year; a few schools lack it (they cannot be priced)."""
    label = f"{year}-01"
    have = set(db.session.scalars(select(CensusFigure.school_id).where(CensusFigure.census == label)))
    for school in schools.values():
        if school.id not in have and school.urn % 29 != 0:
            db.session.add(CensusFigure(school=school, census=label,
                                        pupils=max(1, (school.gias_pupils or 100) + rng.randint(-10, 12))))


def _signatory(school: School) -> User:
    email = f"head-{school.urn}@demo.example"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role="school", school=school, name=f"Head of {school.name}", signatory=True,
                    password_hash=generate_password_hash(random.SystemRandom().randbytes(24).hex()))
        db.session.add(user)
        db.session.commit()
    return user


def _states(buying_round) -> dict[str, int]:
    """Schools in each state: viewed, in progress (a quantity changed), accepted, declined."""
    counts = {"viewed": 0, "in_progress": 0, "accepted": 0, "declined": 0}
    # A group's offer is left for its signatory (demo/groups.py) to answer.
    offers = [o for o in buying_round.offers if o.school.urn != FIRST_URN and not o.problem and o.group_id is None]
    for i, offer in enumerate(offers[:16]):
        user = _signatory(offer.school)
        kind = ("viewed", "in_progress", "accepted", "declined")[i % 4]
        basket.record_view(offer, user)
        if kind == "in_progress" or kind == "accepted":
            items = [basket.BasketLine(line.service_code, line.list_name, line.quantity + (1 if line.service.unit
                                                                                            else 0))
                     for line in offer.lines]
            basket.set_lines(offer, items, user)
        if kind == "accepted":
            accept(offer.id, user, AcceptanceRequest(user.name, "Headteacher", True, f"PO-{offer.school.urn}",
                                                     "127.0.0.1", "demo"))
        if kind == "declined":
            decline(offer, user, "Moving to another provider (demo)")
        counts[kind] += 1
    return counts


def load(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    next_year = year + 1
    label = SlaYear(next_year).label
    if find_round(next_year) is not None:
        return [f"Buying round {label}: already open"]
    lines = []
    if price_lists.published(next_year) is None:
        if price_lists.latest(next_year) is None:
            text = (DEMO_DATA / "prices_current.csv").read_text(encoding="utf-8")
            price_lists.import_price_list(_uplifted(text).encode(), next_year, "demo next year (+3%)")
        lines.append(f"Price list: {price_lists.publish(next_year, 'demo').name} published")
    _census(rng, schools, next_year)
    db.session.commit()
    today = date.today()
    closes = min(today + timedelta(days=60), SlaYear(next_year).start - timedelta(days=1))
    buying_round = open_round(RoundSettings(next_year, min(today, closes) - timedelta(days=7), closes, "renew"), "demo")
    counts = _states(buying_round)
    lines.append(f"Buying round {label}: open until {closes:%d %B %Y}, {len(buying_round.offers)} offers ("
                 + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()) + ")")
    return lines
