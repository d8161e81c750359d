"""Credit notes against an issued invoice (SLA §2.5d, DESIGN §1 "Invoices").

Removing a service mid-term refunds nothing unless finance issues a credit note;
a credit note can never give back more of a line than the invoice charged for it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from invoices.money import ZERO, format_gbp

__all__ = ["CreditRequest", "CreditRefused", "check_credit", "full_credit"]


@dataclass(frozen=True)
class CreditRequest:
    """Credit ``amount`` (a positive net, in pounds) against one invoice line."""

    line_id: Hashable
    amount: Decimal


class CreditRefused(ValueError):
    """A credit request that may not be issued, naming the line and the reason."""

    def __init__(self, line_id: Hashable | None, reason: str) -> None:
        self.line_id = line_id
        self.reason = reason
        super().__init__(f"line {line_id}: {reason}" if line_id is not None else reason)


def _left(lines: Mapping[Hashable, Decimal], already_credited: Mapping[Hashable, Decimal], line_id: Hashable) -> Decimal:
    credited = already_credited.get(line_id, ZERO)
    if credited < 0:
        # Credited amounts are positive; a negative one is a caller passing signed credit-note nets.
        raise CreditRefused(line_id, f"already credited amount must not be negative, got {credited}")
    return lines[line_id] - credited


def check_credit(
    lines: Mapping[Hashable, Decimal],
    already_credited: Mapping[Hashable, Decimal],
    requested: Sequence[CreditRequest],
) -> None:
    """Refuse a credit note that asks for more than the invoice has left to credit.

    SLA §2.5d: a mid-term removal refunds nothing unless finance issues a credit
    note. ``lines`` maps the original invoice's line ids to their nets;
    ``already_credited`` maps line ids to the positive amounts earlier credit notes
    gave back. Each request must be a positive Decimal of whole pence on a line of
    the invoice, and the requests for a line (duplicates counted together) may
    not exceed its net minus what is already credited. Raises ``CreditRefused``.
    """
    if not requested:
        raise CreditRefused(None, "a credit note needs at least one line")
    asked: dict[Hashable, Decimal] = {}
    for request in requested:
        line_id, amount = request.line_id, request.amount
        if isinstance(amount, bool) or not isinstance(amount, Decimal):
            raise CreditRefused(line_id, f"amount must be a Decimal, got {type(amount).__name__}")
        if not amount.is_finite():
            raise CreditRefused(line_id, f"amount must be finite, got {amount}")
        if amount <= 0:
            raise CreditRefused(line_id, f"amount must be more than zero, got {amount}")
        if (Fraction(amount) * 100).denominator != 1:
            raise CreditRefused(line_id, f"amount has more than 2 decimal places: {amount}")
        if line_id not in lines:
            raise CreditRefused(line_id, "not a line of the invoice being credited")
        left = _left(lines, already_credited, line_id)
        total = asked.get(line_id, ZERO) + amount
        if total > left:
            shown = format_gbp(max(left, ZERO))
            if total == amount:
                detail = f"{format_gbp(amount)} requested"
            else:
                detail = f"{format_gbp(amount)} requested ({format_gbp(total)} in all on this credit note)"
            raise CreditRefused(line_id, f"{detail} but only {shown} left to credit")
        asked[line_id] = total


def full_credit(
    lines: Mapping[Hashable, Decimal], already_credited: Mapping[Hashable, Decimal]
) -> list[CreditRequest]:
    """Requests crediting everything each line has left, in the invoice's line order.

    SLA §2.5d. Lines with nothing left are skipped, so the result may be empty.
    """
    return [
        CreditRequest(line_id, left)
        for line_id in lines
        if (left := _left(lines, already_credited, line_id)) > 0
    ]
