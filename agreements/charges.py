"""One-off charges on an agreement (SLA §2.5 e), e.g. SIMS/FMS licence costs on cancellation.

Plain Python: the one check every door (the agreement page, ``agreements charge`` and the
API) goes through before a charge is saved.
"""
from __future__ import annotations

from decimal import Decimal

from agreements.lifecycle import TermsRefused
from pricing.money import round_money
from pricing.vat import VAT_RATES

MAX_DESCRIPTION = 500
MAX_AMOUNT = Decimal("1000000000")  # below a billion, as the API takes money


def check_charge(status: str, description: str, amount: Decimal, vat_code: str) -> str:
    """§2.5 e: schools are liable for any charges relating to their cancellation.

    A charge goes on an issued agreement (also one cancelled or ended: that is when
    cancellation charges arise), for positive pounds and pence, with a known VAT code and a
    description of at most 500 characters. Returns the description as saved; a refusal is
    TermsRefused naming the field at fault (``status`` for a draft agreement).
    """
    if status == "draft":
        raise TermsRefused("add charges to an issued agreement, not a draft", "status")
    if not amount.is_finite() or not 0 < amount < MAX_AMOUNT or amount != round_money(amount):
        raise TermsRefused(f"the amount must be positive pounds and pence, not {amount}", "amount")
    if vat_code not in VAT_RATES:
        raise TermsRefused(f"unknown VAT code {vat_code!r} (use one of {', '.join(sorted(VAT_RATES))})",
                           "vat_code")
    text = description.strip()
    if not text:
        raise TermsRefused("describe the charge", "description")
    if len(text) > MAX_DESCRIPTION:
        raise TermsRefused(f"the description is {len(text)} characters; at most {MAX_DESCRIPTION} characters",
                           "description")
    return text
