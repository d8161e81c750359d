"""A group of schools sharing one agreement (§2.1): each member priced on its own census, and the
group's line the members' annual prices added up (issue #29: "priced per member on each member's
census"). The offer in the round, the agreement issued from it and its invoices all use this.
"""
from __future__ import annotations

from collections.abc import Sequence

from pricing.check import PricedLine
from pricing.money import format_gbp, round_money


def group_line(members: Sequence[tuple[str, PricedLine]]) -> PricedLine:
    """§2.1 one service for the group: the sum of its members' prices (each already rounded to the
    penny, so the sum is exact), explained member by member. ``members``: (member name, its line)."""
    if not members:
        raise ValueError("a group line needs at least one member")
    first = members[0][1]
    codes = {line.vat_code for _, line in members}
    if len(codes) > 1:  # members share one customer type, hence one price row and one VAT code
        raise ValueError(f"{first.service_code}: the members' VAT codes differ ({', '.join(sorted(codes))})")
    total = round_money(sum((line.annual for _, line in members), start=round_money(0)))
    # " | " between members: a member's own explanation may hold "; " (a minimum charge, say).
    parts = " | ".join(f"{name}: {line.explanation}" for name, line in members)
    explanation = parts if len(members) == 1 else f"{parts} | {len(members)} schools: {format_gbp(total)}"
    return PricedLine(first.service_code, first.title, first.quantity, total, explanation, first.vat_code)
