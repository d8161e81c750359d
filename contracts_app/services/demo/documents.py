"""The demo's SLA documents: the published default template, recorded on the demo's agreements.

Called by ``services.demo`` (``load(rng, schools, year) -> lines``); idempotent.
"""
from __future__ import annotations

import random

from sqlalchemy import update

from contracts_app.extensions import db
from contracts_app.models import Agreement, School
from contracts_app.services import audit, documents


def load(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """Publish the default template if none is, and record it on issued agreements that lack one."""
    template = documents.current_template()
    # Agreements issued before templates were recorded (an older demo database) take the current one.
    backfilled = db.session.execute(
        update(Agreement).where(Agreement.template_id.is_(None), Agreement.issued_at.is_not(None))
        .values(template_id=template.id)).rowcount
    if backfilled:
        audit.record("update", "Agreement", "-", f"{template.name} recorded on {backfilled} agreement(s) issued "
                                                 "before templates were recorded (demo)")
    db.session.commit()
    lines = [f"SLA template: {template.name} published ({template.title})"]
    if backfilled:
        lines.append(f"SLA template: recorded on {backfilled} agreement(s) issued before templates were")
    return lines
