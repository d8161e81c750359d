"""Records kept as bytes in the database (issue #33): accepted agreement PDFs, the invoice and
credit-note PDFs an email carried, every outbox attachment. Content-addressed by SHA-256, so
the same statement sent to five contacts is one row, and backing up the database backs up every
record; any web server or consumer reads them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow


class Blob(db.Model):
    __tablename__ = "blobs"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column()
    media_type: Mapped[str] = mapped_column(String(100))
    # Deferred: listing blobs (sizes, types) never loads their bytes.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Blob {self.sha256[:12]} {self.media_type} {self.size}>"
