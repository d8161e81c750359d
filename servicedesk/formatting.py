"""How the reports word desk time, outcomes and percentages; shared by the pages, the PDF,
the CSV and the command line so they always agree. No Flask here."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pricing.sla_year import LONDON
from servicedesk import Tally, TicketClock

_HOUR = Decimal(3600)


def desk_time(value: timedelta | None) -> str:
    """Service desk time as ``3 h 05 min`` (``-1 h 10 min`` when negative); '' for None."""
    if value is None:
        return ""
    sign = "-" if value < timedelta(0) else ""
    minutes = int(abs(value).total_seconds() // 60)
    return f"{sign}{minutes // 60} h {minutes % 60:02d} min"


def hours(value: timedelta | None) -> str:
    """Service desk time in hours with two decimals (``3.08``), for exports; '' for None."""
    if value is None:
        return ""
    seconds = Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds) / Decimal(1_000_000)
    return str((seconds / _HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP))


def days(value: Fraction) -> str:
    """Working days with two decimals (``3.25``): §6.3 time awaiting the customer."""
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def london(value: datetime | None, fmt: str = "%a %d %b %Y %H:%M") -> str:
    """A moment on the desk's clock (Europe/London); '' for None."""
    return "" if value is None else value.astimezone(LONDON).strftime(fmt)


def percent(tally: Tally) -> str:
    """``95.4%``, or an en dash when no ticket is decided yet."""
    value = tally.percent_met
    return "–" if value is None else f"{value}%"


def kpi_verdict(tally: Tally) -> str:
    """Met / Not met against the §11.1 KPI, or '' when nothing is decided."""
    verdict = tally.kpi_met
    return "" if verdict is None else ("Met" if verdict else "Not met")


def status_text(clock: TicketClock) -> str:
    """Where a ticket stands, in words (§6.2, §6.6, §7.2)."""
    if not clock.target.has_clock:
        return "Target agreed with the school"
    if not clock.is_open:
        return "Within SLA" if clock.met else f"Breached by {desk_time(clock.elapsed - clock.allowance)}"
    if clock.breached:
        status = f"Open, overdue by {desk_time(-clock.remaining)}"  # type: ignore[operator]
    else:
        status = f"Open, {desk_time(clock.remaining)} left"
    return status + (" (with a third party: clock stopped)" if clock.paused else "")


#: §6.5 a major incident's report, as the CSV and the command word its state.
MIR_ATTACHED, MIR_REASON_GIVEN, MIR_MISSING = "attached", "reason given", "missing"


def mir_state(mir: object | None) -> str:
    """A major incident's MIR: attached (the PDF), reason given (why none was produced) or missing.

    *mir* is its status as loaded (``shared``, ``reason``), or None when nothing is recorded."""
    if mir is None:
        return MIR_MISSING
    return MIR_ATTACHED if getattr(mir, "shared") else MIR_REASON_GIVEN
