"""A register change's consequences in sentences: the confirmation page, `schools changes` and
the API all say the same (issue #28: the schools, dates, amounts credited and new annual totals)."""
from __future__ import annotations

from contracts_app.services.register.changes import ChangeView, SuccessorPlan
from contracts_app.services.register.consequences import long_date


def _successor(plan: SuccessorPlan) -> list[str]:
    if plan.term_start is None or plan.note.startswith("already") or plan.note.startswith("URN"):
        return [f"URN {plan.urn}{' ' + plan.name if plan.name else ''}: {plan.note}"]
    term = f"{long_date(plan.term_start)} to {long_date(plan.term_end)}"
    if not plan.issued:
        return [f"{plan.name} (URN {plan.urn}): a draft agreement from {term} with the same services, "
                f"for the SLA team to edit and issue"]
    periods = ", ".join(f"{p.term} {long_date(p.start)} - {long_date(p.end)}" for p in plan.periods)
    out = [f"{plan.name} (URN {plan.urn}): an agreement issued from {term} at {plan.customer_type} prices, "
           f"annual total £{plan.annual_total:,.2f}, £{plan.term_total:,.2f} for its term before VAT "
           f"(invoiced by the next run: {periods})"]
    if plan.pupils_from:
        out.append(f"Pupil-number prices use {plan.pupils} pupils, the {plan.census_label} census figure of "
                   f"URN {plan.pupils_from}: the successor has none of its own")
    if plan.left_out:
        out.append(f"Left out (no {plan.customer_type} price): {', '.join(plan.left_out)}")
    out.append("Key contacts carry over; the purchase-order number does not (give the new one)")
    return out


def consequences(view: ChangeView) -> list[str]:
    """What applying the change does, one sentence each (or what it did, once applied)."""
    if view.applied is not None:
        return [view.applied.summary]
    school, end = view.school, long_date(view.implied.end_date)
    if view.implied.upcoming:
        return [f"{school.name} (URN {school.urn}) is {view.school.status.lower()} on "
                f"{long_date(view.implied.end_date)}: shown, never applied until GIAS closes it"]
    out = [f"{view.agreement.name} ends on {end} ({view.reason}); annual total was "
           f"£{view.agreement.annual_total or 0:,.2f}"]
    if view.credit_kept_owed:
        out.append("No credit: the term stays owed (CONVERSION_CREDIT=false, §2.5 d)")
    for credit in view.credits:
        out.append(f"Credit note against {credit.number}: £{credit.net:,.2f} net, £{credit.gross:,.2f} with VAT "
                   f"(the months after {end}, §2.7)")
    if not view.credits and not view.credit_kept_owed:
        out.append("No invoice to credit")
    for plan in view.successors:
        out.extend(_successor(plan))
    out.extend(f"Cannot apply: {p}" for p in view.problems)
    return out
