"""What the staff home page shows."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import School


def schools_by_customer_type() -> dict[str, int]:
    """How many schools there are of each customer type (maintained, academy)."""
    return dict(db.session.execute(select(School.customer_type, func.count()).group_by(School.customer_type)).all())
