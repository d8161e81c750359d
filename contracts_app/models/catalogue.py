"""The service catalogue and each SLA year's versioned price lists."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, Rate, UTCDateTime, utcnow

LISTS = ("subscribed", "additional", "excluded")
LIST_NAMES = {
    "subscribed": "Subscribed (§4.1)",
    "additional": "Available at extra charge (§4.2)",
    "excluded": "Specifically excluded (§4.3)",
}


class Service(db.Model):
    """Something we sell: code, title and the description for the agreement's appendix (§13)."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("default_list IN ('subscribed', 'additional', 'excluded')", name="default_list_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    default_list: Mapped[str] = mapped_column(String(12), default="subscribed")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __audited__ = True

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class PriceList(db.Model):
    """One version of an SLA year's price list. Published versions are frozen."""

    __tablename__ = "price_lists"
    __table_args__ = (
        UniqueConstraint("sla_year", "version"),
        CheckConstraint("status IN ('draft', 'published', 'superseded')", name="status_known"),
        CheckConstraint("census_basis IN ('january', 'october')", name="census_basis_known"),
        # At most one draft and one current published version per year, on both databases.
        Index("uq_price_lists_one_draft", "sla_year", unique=True,
              sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'")),
        Index("uq_price_lists_one_published", "sla_year", unique=True,
              sqlite_where=text("status = 'published'"), postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_year: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="draft")
    census_basis: Mapped[str] = mapped_column(String(8), default="january")
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(254))

    entries = relationship("PriceListEntry", back_populates="price_list", cascade="all, delete-orphan",
                           order_by="(PriceListEntry.service_code, PriceListEntry.customer_type)")

    __audited__ = True

    @property
    def name(self) -> str:
        from pricing.sla_year import SlaYear

        return f"{SlaYear(self.sla_year).label} price list v{self.version}"

    @property
    def frozen(self) -> bool:
        return self.status != "draft"


class PriceListEntry(db.Model):
    """One row of a price list: a service's price for a customer type (or `all`)."""

    __tablename__ = "price_list_entries"
    __table_args__ = (
        UniqueConstraint("price_list_id", "service_code", "customer_type"),
        CheckConstraint("customer_type IN ('maintained', 'academy', 'all')", name="customer_type_known"),
        CheckConstraint("vat_code IN ('S', 'Z', 'E', 'O')", name="vat_code_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"), index=True)
    service_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    customer_type: Mapped[str] = mapped_column(String(12))
    model: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Decimal | None] = mapped_column(Money())
    rate: Mapped[Decimal | None] = mapped_column(Rate())
    minimum: Mapped[Decimal | None] = mapped_column(Money())
    maximum: Mapped[Decimal | None] = mapped_column(Money())
    bands: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    vat_code: Mapped[str] = mapped_column(String(1), default="S")

    price_list = relationship("PriceList", back_populates="entries")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"{self.service_code} ({self.customer_type})"

    def fields(self) -> dict[str, str | None]:
        """The price-list fields as text, as ``pricing.build_model`` takes them."""
        def text_of(value):
            return None if value is None else str(value)

        return {"amount": text_of(self.amount), "rate": text_of(self.rate), "minimum": text_of(self.minimum),
                "maximum": text_of(self.maximum), "bands": self.bands, "unit": self.unit}

    def price_model(self):
        from pricing.models import build_model

        return build_model(self.model, **self.fields())

    def price_row(self):
        from pricing.price_list import PriceRow

        return PriceRow(service_code=self.service_code, title=self.title, customer_type=self.customer_type,
                        model=self.price_model(), vat_code=self.vat_code)
