"""What a consolidated trust invoice holds (issue #29, invoices/trust_billing.py): every academy's
period lines once, in a section per academy, net to the penny of the academies' own invoices, and
VAT per code over the whole invoice (EN 16931) - for random baskets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoices.building import Contract, ContractLine, DraftInvoice, due_invoices
from invoices.money import round_half_up
from invoices.trust_billing import Section, common_po, consolidate, span
from pricing.vat import VAT_RATES

TERM = (date(2025, 4, 1), date(2026, 3, 31))
_line = st.tuples(st.integers(1, 2_000_000).map(lambda p: Decimal(p).scaleb(-2)), st.sampled_from("SZE"),
                  st.one_of(st.none(), st.dates(date(2025, 4, 1), date(2026, 3, 31))))
_basket = st.lists(_line, min_size=1, max_size=6)


def _academy_drafts(index: int, basket: list, term: str) -> list[DraftInvoice]:
    lines = tuple(ContractLine(index * 100 + n, f"SVC{n}", f"Service {n}", annual, "Annual price", code, start)
                  for n, (annual, code, start) in enumerate(basket))
    return due_invoices(Contract(index, "academy", *TERM, lines), term, set())


@settings(max_examples=150, deadline=None)
@given(baskets=st.lists(_basket, min_size=1, max_size=5), term=st.sampled_from(["summer", "autumn"]))
def test_consolidated_total_is_the_sum_of_the_academies_amounts(baskets, term):
    parts = []
    for index, basket in enumerate(baskets, start=1):
        section = Section(index, index, 140000 + index, f"Academy {len(baskets) - index:02d}", f"PO-{index}")
        parts += [(section, draft) for draft in _academy_drafts(index, basket, term)]
    merged, sections = consolidate(parts)
    assert len(sections) == len(merged.lines) == sum(len(d.lines) for _, d in parts)
    assert sorted(l.billing_key for l in merged.lines) == sorted(l.billing_key for _, d in parts for l in d.lines)
    assert merged.net == sum((d.net for _, d in parts), Decimal(0))  # to the penny
    nets: dict[str, Decimal] = {}
    for line in merged.lines:
        nets[line.vat_code] = nets.get(line.vat_code, Decimal(0)) + line.net
    assert merged.vat == sum((round_half_up(VAT_RATES[c] * n) for c, n in nets.items()), Decimal(0))
    assert merged.gross == merged.net + merged.vat
    # rounding once over the whole differs from rounding per academy by under a penny per academy invoice
    assert abs(merged.gross - sum(d.gross for _, d in parts)) <= Decimal("0.01") * len(parts)
    labels = [s.label for s in sections]  # a section per academy, each in one piece, ordered by name
    runs = [label for i, label in enumerate(labels) if i == 0 or labels[i - 1] != label]
    assert runs == sorted(set(labels), key=str.lower)


def test_the_head_names_a_po_only_when_every_academy_shares_it():
    one, two = Section(1, 1, 1, "A", "PO-1"), Section(2, 2, 2, "B", "PO-1")
    assert common_po([one, two]) == "PO-1"
    assert common_po([one, Section(2, 2, 2, "B", "PO-2")]) == ""


def test_the_span_covers_every_period():
    summer = _academy_drafts(1, [(Decimal("1200.00"), "S", None)], "autumn")
    assert span(summer) == (date(2025, 4, 1), date(2026, 3, 31))
    assert span([DraftInvoice(None, None)]) is None
