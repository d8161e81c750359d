"""Versioned SLA document templates (Markdown with [placeholders], as the seed document)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow


class SlaTemplate(db.Model):
    __tablename__ = "sla_templates"
    __table_args__ = (CheckConstraint("status IN ('draft', 'published')", name="status_known"),
                      CheckConstraint("applies_to IN ('all', 'maintained', 'academy')", name="applies_to_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="Service Level Agreement")
    released_on: Mapped[date | None] = mapped_column(Date)
    change_notice: Mapped[str] = mapped_column(String(200), default="")
    pages_affected: Mapped[str] = mapped_column(String(100), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    markdown: Mapped[str] = mapped_column(Text)
    # Service-desk targets and hours this version promises (servicedesk.targets), as JSON.
    targets: Mapped[dict | None] = mapped_column(JSON)
    # Which agreements issue under it (documents.versions.APPLIES_TO): every school, or one customer type.
    applies_to: Mapped[str] = mapped_column(String(10), default="all", server_default="all")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __audited__ = True

    @property
    def name(self) -> str:
        return f"SLA template v{self.version}"
