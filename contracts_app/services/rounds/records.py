"""The accepted PDF, the legal record of an acceptance: stored once in the database, never
replaced, read back only when its SHA-256 still matches. For an agreement made from an
acceptance it is the agreement's document (DESIGN "An acceptance stands"), so every door that
serves an agreement's PDF asks ``signed_acceptance`` first."""
from __future__ import annotations

from sqlalchemy import select

from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, OfferAcceptance
from contracts_app.services import blobs


def store(offer: Offer, number: int, data: bytes) -> tuple[None, str]:
    """Store the accepted PDF in the database, in the acceptance's transaction (issue #33: the
    legal record is backed up with the database and served by any instance); never replaced.
    Returns (no file path, SHA-256): `document_path` only names files from before #33."""
    return None, blobs.put(data, "application/pdf")


def read_accepted(acceptance: OfferAcceptance) -> bytes:
    """The exact PDF accepted, checked against its recorded SHA-256."""
    try:
        return blobs.get(acceptance.document_sha256)
    except blobs.BlobMissing as exc:
        raise ActionRefused(f"the accepted document of {acceptance.name} is not available: {exc}") from None


def signed_acceptance(agreement: Agreement) -> OfferAcceptance | None:
    """The acceptance the agreement follows (its latest), when it was made from one."""
    if agreement.id is None:
        return None
    return db.session.scalar(select(OfferAcceptance).where(OfferAcceptance.agreement_id == agreement.id)
                             .order_by(OfferAcceptance.id.desc()).limit(1))
