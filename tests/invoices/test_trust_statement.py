"""A trust's statement of account (issue #29): each academy's part by the rule "past invoices stay
where they were", the trust's balance the sum of its academies' to the penny."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from invoices.document import Issuer
from invoices.statement import Account, Item, build_statement, build_trust_statement, items_while_member
from invoices.statement_pdf import render_trust_statement_pdf

START = date(2024, 4, 1)
AS_OF = date(2026, 3, 31)
MOVE = date(2025, 1, 1)


def _invoice(number: str, on: date, gross: str) -> Item:
    return Item(on, "invoice", number, number, Decimal(gross), on + timedelta(days=30))


def _paid(number: str, on: date, amount: str) -> Item:
    return Item(on, "payment", f"BACS {number}", number, -Decimal(amount))


@st.composite
def accounts(draw, number_prefix: str = "INV") -> list[Item]:
    """One academy's account: invoices, with credit notes and payments (some reversed) against them."""
    items = []
    for n in range(draw(st.integers(0, 6))):
        number = f"{number_prefix}-{n:06d}"
        on = START + timedelta(days=draw(st.integers(0, 700)))
        gross = Decimal(draw(st.integers(1, 10**7))) / 100
        items.append(Item(on, "invoice", number, number, gross, on + timedelta(days=30)))
        for kind, sign in (("credit_note", -1), ("payment", -1), ("reversal", 1)):
            if draw(st.booleans()):
                later = on + timedelta(days=draw(st.integers(0, 400)))
                amount = Decimal(draw(st.integers(1, int(gross * 100)))) / 100
                items.append(Item(later, kind, f"{kind}-{number}", number, sign * amount))
    return items


periods = st.lists(st.tuples(st.integers(0, 800), st.integers(1, 400)), max_size=3).map(
    lambda spans: tuple((START + timedelta(days=a), START + timedelta(days=a + b)) for a, b in spans))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(accounts(), periods), max_size=5), st.integers(0, 800), accounts("CON"))
def test_the_trust_balance_is_the_sum_of_its_academies_balances_to_the_penny(academies, days, consolidated):
    as_of = START + timedelta(days=days)
    built = build_trust_statement([Account(f"Academy {n}", 100000 + n, "", tuple(items), spans)
                                   for n, (items, spans) in enumerate(academies)], as_of, "Trust", "3104",
                                  consolidated=consolidated)
    own = built.consolidated.balance if built.consolidated else Decimal(0)
    assert built.balance == sum((s.balance for s in built.academies), Decimal(0)) + own
    assert own == sum((i.amount for i in consolidated if i.on <= as_of), Decimal(0))
    assert built.balance == sum((i.amount for items, spans in academies
                                 for i in items_while_member(items, spans) if i.on <= as_of), Decimal(0)) + own
    assert sum(built.ageing.values(), Decimal(0)) == sum((i.outstanding for i in built.open_invoices), Decimal(0))
    assert built.overdue == sum((s.overdue for s in built.parts), Decimal(0))
    # The trust's consolidated invoices are on no academy's part.
    assert not {e.item.invoice_number for s in built.academies for e in s.entries} & {i.invoice_number
                                                                                     for i in consolidated}


@settings(max_examples=150, deadline=None)
@given(accounts(), st.integers(1, 700))
def test_a_move_splits_the_academys_account_between_the_trusts_and_loses_nothing(items, move_day):
    """Old trust up to the move, new trust from it: together exactly the academy's own statement."""
    move = START + timedelta(days=move_day)
    old = build_trust_statement([Account("A", 1, "", tuple(items), ((None, move),))], AS_OF, "Old", "1")
    new = build_trust_statement([Account("A", 1, "", tuple(items), ((move, None),))], AS_OF, "New", "2")
    own = build_statement(items, AS_OF, "A", 1)
    assert old.balance + new.balance == own.balance
    old_refs = {e.item.reference for s in old.academies for e in s.entries}
    new_refs = {e.item.reference for s in new.academies for e in s.entries}
    assert old_refs.isdisjoint(new_refs) and old_refs | new_refs == {e.item.reference for e in own.entries}
    # Each invoice is in the trust its academy was in on the invoice's date.
    for item in items:
        if item.kind == "invoice":
            assert (item.reference in old_refs) == (item.on < move)


def test_past_invoices_stay_in_the_old_trust_with_what_pays_them_after_the_move():
    before, after = _invoice("INV-1", date(2024, 9, 1), "120.00"), _invoice("INV-2", date(2025, 4, 10), "300.00")
    paid_late = _paid("INV-1", date(2025, 2, 1), "20.00")  # after the move, on the old trust's invoice
    items = (before, after, paid_late)
    old = build_trust_statement([Account("Moved Academy", 1, "", items, ((None, MOVE),))], AS_OF, "Old", "1")
    new = build_trust_statement([Account("Moved Academy", 1, "", items, ((MOVE, None),))], AS_OF, "New", "2")
    assert [e.item.reference for e in old.academies[0].entries] == ["INV-1", "BACS INV-1"]
    assert old.balance == Decimal("100.00")
    assert [e.item.reference for e in new.academies[0].entries] == ["INV-2"]
    assert new.balance == Decimal("300.00")


def test_an_academy_with_nothing_is_listed_while_a_member_and_not_after():
    items = (_invoice("INV-9", date(2025, 4, 10), "50.00"),)
    current = Account("Zeta Academy", 2, "", (), ((date(2024, 9, 1), None),))
    gone_empty = Account("Gone Academy", 3, "", (), ((date(2020, 9, 1), date(2024, 9, 1)),))
    gone_owing = Account("Alpha Academy", 4, "", items, ((date(2020, 9, 1), date(2025, 9, 1)),))
    built = build_trust_statement([current, gone_empty, gone_owing], AS_OF, "Trust", "3104")
    assert [s.urn for s in built.academies] == [4, 2]  # by name; the empty leaver is not listed
    assert built.balance == Decimal("50.00") and built.overdue_count == 1


def test_the_trust_pdf_has_each_academy_and_the_totals():
    items_a = (_invoice("INV-2025-000001", date(2025, 4, 10), "1200.00"),
               Item(date(2025, 5, 1), "payment", "BACS 123", "INV-2025-000001", Decimal("-200.00")))
    items_b = (_invoice("INV-2025-000002", date(2025, 4, 10), "345.67"),)
    built = build_trust_statement([Account("First Academy", 140001, "", items_a, ((None, None),)),
                                   Account("Second Academy", 140002, "", items_b, ((None, None),))],
                                  date(2025, 6, 1), "Spires Learning Trust", "16001", "1 High St",
                                  consolidated=(_invoice("INV-2025-000003", date(2025, 4, 10), "100.00"),))
    issuer = Issuer("Council", "ICT", "Council House", "024", "ict@example.org", "GB1", "Bank")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_trust_statement_pdf(built, issuer))).pages)
    for expected in ("Statement of account", "Spires Learning Trust", "Trust 16001", "First Academy (URN 140001)",
                     "Second Academy (URN 140002)", "INV-2025-000001", "INV-2025-000002", "BACS 123",
                     "£1,000.00", "£345.67", "Balance owed by the trust: £1,445.67", "Trust total", "1-30 days",
                     "The trust's consolidated invoices", "INV-2025-000003"):
        assert expected in text, (expected, text)
