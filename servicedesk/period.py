"""The dates an SLA performance report covers (§11.1), on the desk's London calendar."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from pricing.errors import ActionRefused
from pricing.sla_year import LONDON, SlaYear
from servicedesk._moments import UTC

__all__ = ["Period", "default_period", "desk_today", "long_date", "period_from", "usual_periods"]


def long_date(value: date) -> str:
    """``1 April 2026``, as the SLA document writes dates."""
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Period:
    """The dates a report covers, inclusive, as the desk's (London) calendar dates.

    A report counts the tickets *logged* in the period, each measured as it stands now.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ActionRefused(f"the period ends ({long_date(self.end)}) before it starts ({long_date(self.start)})")

    @property
    def label(self) -> str:
        """``1 April 2026 to 23 November 2026``."""
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def slug(self) -> str:
        """For file names: ``2026-04-01_2026-11-23``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first moment, first moment after) in UTC: London midnights, so BST days are whole."""
        lo = datetime.combine(self.start, datetime.min.time(), tzinfo=LONDON)
        hi = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
        return lo.astimezone(UTC), hi.astimezone(UTC)

    def months(self) -> list[date]:
        """The first day of each calendar month the period touches."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first += relativedelta(months=1)
        return months


def desk_today() -> date:
    """Today on the desk's clock (Europe/London), which is what 'today' means in a report."""
    return datetime.now(LONDON).date()


def period_from(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for, every door's defaults filled in: the end defaults to today,
    the start to 1 April of the SLA year the end falls in (§11.1 reports by SLA year).

    ActionRefused when it ends before it starts.
    """
    last = end or today
    return Period(start or SlaYear.containing(last).start, last)


def default_period(today: date) -> Period:
    """The SLA year so far (1 April to today)."""
    return period_from(None, None, today)


def usual_periods(today: date) -> list[tuple[str, Period]]:
    """The periods people usually ask for, labelled: this and last month, this SLA year
    so far and the whole of the previous one."""
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    year = SlaYear.containing(today)
    previous = SlaYear(year.start_year - 1)
    return [("This month", Period(this_month, today)),
            ("Last month", Period(last_month_end.replace(day=1), last_month_end)),
            (f"SLA year {year.label} so far", Period(year.start, today)),
            (f"SLA year {previous.label}", Period(previous.start, previous.end))]
