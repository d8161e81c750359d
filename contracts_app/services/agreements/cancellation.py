"""Written notice of cancellation (§2.4): by the school or the council, at the earliest 90
days on (§2.4 b), or at once for the school's fundamental breach (§2.4 c)."""
from __future__ import annotations

from datetime import date

from rounds import rules as round_rules
from agreements.lifecycle import NoticeOutcome, TermsRefused, check_notice_date, notice_outcome, notice_terms, status_on
from contracts_app.extensions import db
from contracts_app.models import Agreement, CancellationNotice
from contracts_app.services import events
from contracts_app.services.agreements.status import InputRefused, settle, transition
# The module, not its function: rounds.opening imports agreements.status, so whichever side is
# imported first finds the other half-made (the home page imports the round first).
from contracts_app.services.rounds import opening as round_opening
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused


def notice_refusal(agreement: Agreement, today: date | None = None) -> str:
    """Why no notice can be given on the agreement at all (it has not started), or ""."""
    today = today or date.today()
    if today >= agreement.term_start:
        return ""
    buying_round = round_opening.find_round(agreement.sla_year)
    try:
        round_rules.check_notice_started(agreement.term_start, today,
                                         buying_round is not None and buying_round.dates.taking_answers(today))
    except round_rules.RoundRefused as exc:
        return exc.message
    return ""


def _checked(agreement: Agreement, *, notice_date: date, requested_date: date | None, given_by: str,
             fundamental_breach: bool, entered_by: str, today: date) -> NoticeOutcome:
    """Every rule a notice must pass, changing nothing: its date (§2.4 a), its effective date
    (§2.4 b, c), and the agreement's state on ``today``. Input at fault is InputRefused naming
    the field; the agreement's state is ActionRefused."""
    refusal = notice_refusal(agreement, today)
    if refusal:
        raise ActionRefused(refusal)
    notice = agreement.notice
    status = status_on(agreement.status, today, agreement.term_end, notice.effective_date if notice else None)
    try:
        check_notice_date(notice_date, entered_by=entered_by, today=today,
                          term=(agreement.term_start, agreement.term_end))
        terms = notice_terms(notice_date, requested_date, given_by=given_by, fundamental_breach=fundamental_breach)
    except TermsRefused as exc:
        raise InputRefused(str(exc), exc.field) from None
    late_paper = entered_by == "staff" and status == "ended" and not agreement.notices
    if status != "active" and not late_paper:
        raise ActionRefused(f"{agreement.name} is {status.replace('_', ' ')}; notice can only be given on an "
                            "active agreement (staff may enter a paper notice once the term is over)")
    return notice_outcome(terms.effective_date, agreement.term_end)


def preview_notice(agreement: Agreement, *, notice_date: date, requested_date: date | None, given_by: str,
                   fundamental_breach: bool = False, entered_by: str = "staff",
                   today: date | None = None) -> NoticeOutcome:
    """What recording this notice would do (the confirmation step), refused as ``give_notice``
    would refuse it; nothing is saved."""
    return _checked(agreement, notice_date=notice_date, requested_date=requested_date, given_by=given_by,
                    fundamental_breach=fundamental_breach, entered_by=entered_by, today=today or date.today())


@refusal_rolls_back
def give_notice(agreement: Agreement, *, notice_date: date, requested_date: date | None, given_by: str,
                reason: str = "", fundamental_breach: bool = False, recorded_by: str = "",
                entered_by: str = "staff", today: date | None = None) -> CancellationNotice:
    """Record written notice of cancellation (§2.4) and return it with its effective date.

    ``entered_by`` is "school" when the school gives notice itself (dated today) and
    "staff" when the SLA team records a written notice it received (dated then, within
    the term; also once the term is over). The rules are checked first (``_checked``).
    An effective date after the term end ends the agreement at its term end, unrenewed.
    """
    today = today or date.today()
    settle(today)
    outcome = _checked(agreement, notice_date=notice_date, requested_date=requested_date, given_by=given_by,
                       fundamental_breach=fundamental_breach, entered_by=entered_by, today=today)
    notice = CancellationNotice(agreement=agreement, given_by=given_by, notice_date=notice_date,
                                requested_date=requested_date, effective_date=outcome.effective_date,
                                fundamental_breach=fundamental_breach, reason=reason.strip(),
                                recorded_by=recorded_by)
    db.session.add(notice)
    why = "fundamental breach (§2.4 c)" if fundamental_breach else f"notice by the {given_by} (§2.4)"
    if agreement.status == "ended":  # a paper notice entered after the term
        if not outcome.at_term_end:
            transition(agreement, "cancelled", f"{why}, entered after the term: {outcome.text}")
    else:
        transition(agreement, "notice_given", f"{why}: {outcome.text}")
    db.session.flush()
    settle(today)
    events.emit("notice.recorded", notice=notice)
    db.session.commit()
    return notice
