"""Written notice of cancellation (§2.4): by the school or the council, at the earliest 90
days on (§2.4 b), or at once for the school's fundamental breach (§2.4 c)."""
from __future__ import annotations

from datetime import date

from agreements.lifecycle import TermsRefused, notice_terms
from contracts_app.extensions import db
from contracts_app.models import Agreement, CancellationNotice
from contracts_app.services.agreements.status import InputRefused, settle, transition
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused


@refusal_rolls_back
def give_notice(agreement: Agreement, *, notice_date: date, requested_date: date | None, given_by: str,
                reason: str = "", fundamental_breach: bool = False, recorded_by: str = "",
                today: date | None = None) -> CancellationNotice:
    """Record written notice of cancellation (§2.4) and return it with its effective date.

    The notice's own terms are checked first, by ``agreements.lifecycle.notice_terms``:
    they are refused with InputRefused naming the field at fault (the caller's input).
    An agreement that is not active is then refused with ActionRefused (its state).
    """
    today = today or date.today()
    settle(today)
    try:
        terms = notice_terms(notice_date, requested_date, given_by=given_by, fundamental_breach=fundamental_breach)
    except TermsRefused as exc:
        raise InputRefused(str(exc), exc.field) from None
    if agreement.status not in ("active",):
        raise ActionRefused(f"{agreement.name} is {agreement.status.replace('_', ' ')}; notice can only be "
                            "given on an active agreement")
    notice = CancellationNotice(agreement=agreement, given_by=given_by, notice_date=notice_date,
                                requested_date=requested_date, effective_date=terms.effective_date,
                                fundamental_breach=fundamental_breach, reason=reason.strip(),
                                recorded_by=recorded_by)
    db.session.add(notice)
    why = "fundamental breach (§2.4 c)" if fundamental_breach else f"notice by the {given_by} (§2.4)"
    transition(agreement, "notice_given", f"{why}, effective {terms.effective_date:%d %B %Y}")
    db.session.flush()
    settle(today)
    db.session.commit()
    return notice
