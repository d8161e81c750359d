"""The accepted PDF, the legal record of an acceptance: written once under the instance folder,
never replaced, read back only when its SHA-256 still matches. For an agreement made from an
acceptance it is the agreement's document (DESIGN "An acceptance stands"), so every door that
serves an agreement's PDF asks ``signed_acceptance`` first."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, OfferAcceptance

FOLDER = "offers"


def store(offer: Offer, number: int, data: bytes) -> tuple[str, str]:
    """Write the accepted PDF once (never overwritten); returns (path under instance/, SHA-256)."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(FOLDER) / str(offer.round.sla_year) / f"offer-{offer.id}-acceptance-{number}-{digest[:12]}.pdf"
    path = Path(current_app.config["INSTANCE_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:  # exclusive: an accepted document is never replaced
        out.write(data)
    return str(relative), digest


def read_accepted(acceptance: OfferAcceptance) -> bytes:
    """The exact PDF accepted, checked against its recorded SHA-256."""
    path = Path(current_app.config["INSTANCE_DIR"]) / acceptance.document_path
    try:
        data = path.read_bytes()
    except OSError:
        raise ActionRefused(f"the accepted document of {acceptance.name} is missing from {path}") from None
    if hashlib.sha256(data).hexdigest() != acceptance.document_sha256:
        raise ActionRefused(f"the accepted document of {acceptance.name} does not match its SHA-256")
    return data


def signed_acceptance(agreement: Agreement) -> OfferAcceptance | None:
    """The acceptance the agreement follows (its latest), when it was made from one."""
    if agreement.id is None:
        return None
    return db.session.scalar(select(OfferAcceptance).where(OfferAcceptance.agreement_id == agreement.id)
                             .order_by(OfferAcceptance.id.desc()).limit(1))
