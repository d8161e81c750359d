"""A school's statement of account (issue #20): every invoice, credit note, payment and
reversal in date order with a running balance, what is overdue and how old it is; and a
trust's (issue #29): each academy's statement of what is the trust's, with the trust's totals.

Pure: the service hands in the school's documents and payments as plain items.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from invoices.due import AGE_BUCKETS, age_bucket
from invoices.money import ZERO
from register.trusts import is_member_on

KINDS = ("invoice", "credit_note", "payment", "reversal")
KIND_NAMES = {"invoice": "Invoice", "credit_note": "Credit note", "payment": "Payment", "reversal": "Payment reversed"}


@dataclass(frozen=True)
class Item:
    """One thing on the account. ``amount`` is what it adds to what the school owes: an invoice
    its gross, a credit note or payment less (negative), a reversal its payment back."""

    on: date
    kind: str
    reference: str  # the document's number, or the payment's reference
    invoice_number: str  # the invoice it belongs to (itself for an invoice)
    amount: Decimal
    due: date | None = None  # an invoice's due date
    detail: str = ""


@dataclass(frozen=True)
class Entry:
    item: Item
    balance: Decimal  # running: what is owed after this entry

    @property
    def debit(self) -> Decimal:
        return self.item.amount if self.item.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.item.amount if self.item.amount < 0 else ZERO

    @property
    def name(self) -> str:
        return KIND_NAMES[self.item.kind]


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    due: date
    outstanding: Decimal
    bucket: str


@dataclass(frozen=True)
class Statement:
    school_name: str
    urn: int
    address: str
    as_of: date
    entries: tuple[Entry, ...]
    open_invoices: tuple[OpenInvoice, ...]

    @property
    def balance(self) -> Decimal:
        """What the school owes as of the statement's date."""
        return self.entries[-1].balance if self.entries else ZERO

    @property
    def ageing(self) -> dict[str, Decimal]:
        """What is owed per aged-debt bucket (current: not yet due)."""
        totals = {bucket: ZERO for bucket in AGE_BUCKETS}
        for invoice in self.open_invoices:
            totals[invoice.bucket] += invoice.outstanding
        return totals

    @property
    def overdue(self) -> Decimal:
        """What is owed past its due date."""
        return sum((i.outstanding for i in self.open_invoices if i.bucket != "current"), ZERO)

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.open_invoices if i.bucket != "current")


def _order(item: Item) -> tuple:
    # A day's invoices before what pays or credits them: the balance never dips below zero for show.
    return item.on, KINDS.index(item.kind), item.reference


def build_statement(items: Iterable[Item], as_of: date, school_name: str, urn: int, address: str = "") -> Statement:
    """The statement as of a date: the items up to it in date order, the balance after each,
    and every invoice still owed on with its aged-debt bucket."""
    kept = sorted((i for i in items if i.on <= as_of), key=_order)
    entries, running = [], ZERO
    owed: dict[str, Decimal] = {}
    due: dict[str, date] = {}
    for item in kept:
        running += item.amount
        entries.append(Entry(item, running))
        owed[item.invoice_number] = owed.get(item.invoice_number, ZERO) + item.amount
        if item.kind == "invoice" and item.due is not None:
            due[item.invoice_number] = item.due
    open_invoices = tuple(OpenInvoice(number, due[number], left, age_bucket(due[number], as_of))
                          for number, left in sorted(owed.items(), key=lambda kv: (due.get(kv[0], as_of), kv[0]))
                          if left > 0 and number in due)
    return Statement(school_name, urn, address, as_of, tuple(entries), open_invoices)


# -- a trust's statement (issue #29): its academies' accounts, each by the rule above -------------

@dataclass(frozen=True)
class Account:
    """One academy's part of a trust's account: everything on the academy's own account, and the
    periods it was the trust's member, each ``(joined_on, left_on)`` as ``register.trusts`` has them."""

    school_name: str
    urn: int
    address: str
    items: tuple[Item, ...]
    periods: tuple[tuple[date | None, date | None], ...]


@dataclass(frozen=True)
class TrustStatement:
    trust_name: str
    code: str
    address: str
    as_of: date
    academies: tuple[Statement, ...]
    # The trust's own account: its consolidated invoices (one per run, every academy's lines), with what
    # credits and pays them. They are the trust's debt, not any academy's, so no academy's part holds them.
    consolidated: Statement | None = None

    @property
    def parts(self) -> tuple[Statement, ...]:
        """Every account the trust's balance is the sum of: each academy's, then the trust's own."""
        return self.academies + ((self.consolidated,) if self.consolidated is not None else ())

    @property
    def balance(self) -> Decimal:
        """What the trust owes: the sum of its academies' balances and its consolidated invoices'."""
        return sum((s.balance for s in self.parts), ZERO)

    @property
    def open_invoices(self) -> tuple[OpenInvoice, ...]:
        return tuple(sorted((i for s in self.parts for i in s.open_invoices), key=lambda i: (i.due, i.number)))

    @property
    def ageing(self) -> dict[str, Decimal]:
        totals = {bucket: ZERO for bucket in AGE_BUCKETS}
        for statement in self.parts:
            for bucket, owed in statement.ageing.items():
                totals[bucket] += owed
        return totals

    @property
    def overdue(self) -> Decimal:
        return sum((s.overdue for s in self.parts), ZERO)

    @property
    def overdue_count(self) -> int:
        return sum(s.overdue_count for s in self.parts)


def items_while_member(items: Iterable[Item], periods: Iterable[tuple[date | None, date | None]]) -> list[Item]:
    """The items that are the trust's (issue #29, "past invoices stay where they were"): an invoice is
    the trust's when its academy was a member on the invoice's date, and its credit notes, payments
    and reversals go with it whenever they come; a document that belongs to no invoice (a credit note
    on its own) goes by its own date. So an academy that moves keeps its past invoices, and what
    pays them, in the old trust's statement."""
    items, periods = list(items), list(periods)
    anchor: dict[str, date] = {}
    for item in sorted(items, key=lambda i: (i.kind != "invoice", i.on)):
        anchor.setdefault(item.invoice_number, item.on)
    kept = {number for number, on in anchor.items() if any(is_member_on(j, left, on) for j, left in periods)}
    return [item for item in items if item.invoice_number in kept]


def build_trust_statement(accounts: Iterable[Account], as_of: date, trust_name: str, code: str,
                          address: str = "", consolidated: Iterable[Item] = ()) -> TrustStatement:
    """The trust's statement as of a date: each academy's statement (``build_statement``) of the items
    that are the trust's, for the academies that are members on that date or have anything on the
    trust's account, and the trust's own account of its ``consolidated`` invoices' items; the
    trust's totals are their sums."""
    academies = []
    for account in sorted(accounts, key=lambda a: (a.school_name.lower(), a.urn)):
        statement = build_statement(items_while_member(account.items, account.periods), as_of,
                                    account.school_name, account.urn, account.address)
        if statement.entries or any(is_member_on(j, left, as_of) for j, left in account.periods):
            academies.append(statement)
    own = build_statement(consolidated, as_of, f"{trust_name}: consolidated invoices", 0, address)
    return TrustStatement(trust_name, code, address, as_of, tuple(academies), own if own.entries else None)
