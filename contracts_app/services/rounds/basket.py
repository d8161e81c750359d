"""Preparing the basket: any school user of the school (and the SLA team) adds and removes
services, sets quantities, the purchase-order number and the contacts. Until the close; after
it only the SLA team changes an offer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from datetime import date

from pricing.errors import ActionRefused
from rounds import rules

from contracts_app.extensions import db
from contracts_app.models import Offer, OfferLine, Service, User
from contracts_app.models.catalogue import LISTS
from contracts_app.models.types import utcnow
from contracts_app.services.agreements.drafts import sync_service_lines
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.rounds.opening import refresh
from contracts_app.services.transactions import refusal_rolls_back

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_QUANTITY = Decimal(100000)


@dataclass(frozen=True)
class BasketLine:
    """One service as asked for: its list (§4.1-4.3) and quantity."""

    service_code: str
    list_name: str
    quantity: Decimal = Decimal(1)


@dataclass(frozen=True)
class BasketDetails:
    po_number: str = ""
    invoice_contact: str = ""
    invoice_email: str = ""
    agreement_contact: str = ""
    agreement_email: str = ""


def check_may_change(offer: Offer, user: User) -> None:
    """Schools change their basket until the close; the SLA team (and admin) at any time."""
    rules.check_may_change(offer.round.dates, user.role, date.today())


def parse_quantity(text: str, code: str) -> Decimal:
    """A quantity as typed: a positive number with at most 2 decimals."""
    try:
        quantity = Decimal((text or "1").strip())
    except InvalidOperation:
        raise InputRefused(f"{code}: quantity {text!r} is not a number", f"quantity-{code}") from None
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY or quantity != quantity.quantize(
            Decimal("0.01")):
        raise InputRefused(f"{code}: quantity {text!r} must be a positive number (up to 2 decimals)",
                           f"quantity-{code}")
    return quantity


def _checked(items: list[BasketLine]) -> dict[str, Service]:
    services = {s.code: s for s in db.session.scalars(select(Service))}
    seen = set()
    for item in items:
        service = services.get(item.service_code)
        if service is None or service.retired_at is not None:
            raise InputRefused(f"{item.service_code}: no such service in the catalogue", "lines")
        if item.list_name not in LISTS:
            raise InputRefused(f"{item.service_code}: list must be one of {', '.join(LISTS)}, not "
                               f"{item.list_name!r}", "lines")
        if item.quantity <= 0 or item.quantity > MAX_QUANTITY:
            raise InputRefused(f"{item.service_code}: quantity must be above 0 and at most {MAX_QUANTITY}, not "
                               f"{item.quantity}", "lines")
        if item.service_code in seen:
            raise InputRefused(f"{item.service_code}: listed twice", "lines")
        seen.add(item.service_code)
    return services


def _touch(offer: Offer) -> None:
    """A changed basket is a new revision; an answer given stands (the change is pending beside it)."""
    offer.revision += 1
    offer.changed_at = utcnow()
    offer.state = rules.state_after_change(offer.state)
    if offer.viewed_at is None:
        offer.viewed_at = offer.changed_at


def _same(offer: Offer, items: list[BasketLine]) -> bool:
    """The basket already holds exactly these lines (saving it again changes nothing)."""
    now = {(x.service_code, x.list_name, x.quantity if x.list_name == "subscribed" else Decimal(1))
           for x in offer.lines}
    return now == {(x.service_code, x.list_name, x.quantity if x.list_name == "subscribed" else Decimal(1))
                   for x in items}


@refusal_rolls_back
def set_lines(offer: Offer, items: list[BasketLine], user: User) -> Offer:
    """Replace the basket's lines (services left out go back to the catalogue's offer)."""
    check_may_change(offer, user)
    services = _checked(items)
    if _same(offer, items):
        return offer
    sync_service_lines(offer.lines, items, services, OfferLine)
    db.session.flush()
    _touch(offer)
    refresh(offer)
    db.session.commit()
    return offer


def _check_details(details: BasketDetails) -> None:
    if len(details.po_number) > 60:
        raise InputRefused("the purchase-order number is longer than 60 characters", "po_number")
    for name in ("invoice_email", "agreement_email"):
        value = getattr(details, name)
        if value and not EMAIL.match(value):
            raise InputRefused(f"{value!r} is not an email address", name)
    for name in ("invoice_contact", "agreement_contact"):
        if len(getattr(details, name)) > 200:
            raise InputRefused("the contact's name is longer than 200 characters", name)


@refusal_rolls_back
def set_details(offer: Offer, details: BasketDetails, user: User) -> Offer:
    """The purchase-order number and the contacts for invoices and for the agreement."""
    check_may_change(offer, user)
    _check_details(details)
    before = (offer.po_number, offer.invoice_contact, offer.invoice_email, offer.agreement_contact,
              offer.agreement_email)
    after = (details.po_number.strip(), details.invoice_contact.strip(), details.invoice_email.strip(),
             details.agreement_contact.strip(), details.agreement_email.strip())
    if before != after:
        (offer.po_number, offer.invoice_contact, offer.invoice_email, offer.agreement_contact,
         offer.agreement_email) = after
        _touch(offer)
    db.session.commit()
    return offer


@refusal_rolls_back
def discard_changes(offer: Offer, user: User) -> Offer:
    """Put the basket back as it was accepted (DESIGN "An acceptance stands": changes not yet
    accepted are dropped; the acceptance and its agreement are untouched)."""
    check_may_change(offer, user)
    restore_accepted(offer)
    db.session.commit()
    return offer


def restore_accepted(offer: Offer) -> bool:
    """The accepted basket's lines and details back on the offer, at the accepted revision;
    False when there was nothing pending. The close calls this for changes never accepted."""
    acceptance = offer.acceptance
    if not offer.pending_changes or acceptance is None:
        return False
    kept = acceptance.basket
    items = [BasketLine(x["service_code"], x["list"], Decimal(x["quantity"])) for x in kept["lines"]]
    services = {s.code: s for s in db.session.scalars(select(Service))}  # retired ones too: they were accepted
    sync_service_lines(offer.lines, items, services, OfferLine)
    (offer.po_number, offer.invoice_contact, offer.invoice_email, offer.agreement_contact,
     offer.agreement_email) = (kept.get("po_number", ""), kept.get("invoice_contact", ""),
                               kept.get("invoice_email", ""), kept.get("agreement_contact", ""),
                               kept.get("agreement_email", ""))
    offer.revision, offer.changed_at = acceptance.revision, utcnow()
    db.session.flush()
    return True


@refusal_rolls_back
def record_view(offer: Offer, user: User) -> Offer:
    """The school opened its offer (a POST from the portal): not opened -> viewed."""
    if user.role == "school" and offer.state == "not_opened":
        offer.state = "viewed"
        offer.viewed_at = utcnow()
        db.session.commit()
    return offer


@dataclass(frozen=True)
class PreviewLine:
    """A basket line not saved, as the pricing reads it (the page's live preview)."""

    service: Service | None
    service_code: str
    title: str
    list_name: str
    quantity: Decimal


def preview_lines(items: list[BasketLine]) -> list[PreviewLine]:
    """The lines as the form has them, checked as saving would check them, saving nothing."""
    services = _checked(items)
    return [PreviewLine(services[x.service_code], x.service_code, services[x.service_code].title, x.list_name,
                        x.quantity if x.list_name == "subscribed" else Decimal(1)) for x in items]


def lines_from_form(form: dict[str, str], codes: list[str]) -> list[BasketLine]:
    """The basket from the offer page's form: ``list-CODE`` (none = not taken) and ``quantity-CODE``."""
    items = []
    for code in codes:
        list_name = (form.get(f"list-{code}") or "").strip()
        if not list_name or list_name == "available":
            continue
        quantity = parse_quantity(form.get(f"quantity-{code}", "1"), code) if list_name == "subscribed" \
            else Decimal(1)
        items.append(BasketLine(code, list_name, quantity))
    return items
