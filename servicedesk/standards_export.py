"""How the §11.1 call and email figures are worded and exported: one wording for the pages,
the PDF, the CSV and the command line, so they always agree. No Flask here."""
from __future__ import annotations

import csv
import io

from pricing.cells import safe_text
from servicedesk.standards import StandardsLine, StandardsReport, StandardTally

__all__ = ["STANDARDS_COLUMNS", "standard_limit", "standard_share", "standard_verdict", "standards_rows",
           "standards_csv"]

STANDARDS_COLUMNS = ("school_urn", "school_name", "month", "standard", "measured_against", "target_percent",
                     "within", "late", "waiting", "percent_within", "verdict")


def standard_limit(tally: StandardTally, channel: str) -> str:
    """``60 seconds`` / ``1 business day``; several (``20 or 60 seconds``) when schools' versions differ."""
    if not tally.limits:
        return ""
    numbers = " or ".join(str(n) for n in sorted(tally.limits))
    if channel == "call":
        return f"{numbers} seconds"
    return f"{numbers} business day{'' if tally.limits == {1} else 's'}"


def standard_share(tally: StandardTally) -> str:
    """``82.0%``, or an en dash when nothing is decided yet."""
    return "–" if tally.percent is None else f"{tally.percent}%"


def standard_verdict(tally: StandardTally) -> str:
    """Met / Not met against the version's §11.1 target, or '' when nothing is decided."""
    return "" if tally.met is None else ("Met" if tally.met else "Not met")


def _rows_of(urn: str, name: str, line: StandardsLine) -> list[dict[str, str]]:
    rows = []
    for channel, tally, what in (("call", line.calls, "calls answered"), ("email", line.emails, "emails replied to")):
        if not (tally.decided or tally.waiting):
            continue
        rows.append({"school_urn": urn, "school_name": safe_text(name), "month": line.label, "standard": what,
                     "measured_against": standard_limit(tally, channel),
                     "target_percent": "" if tally.target is None else str(tally.target),
                     "within": str(tally.within), "late": str(tally.late), "waiting": str(tally.waiting),
                     "percent_within": "" if tally.percent is None else str(tally.percent),
                     "verdict": standard_verdict(tally)})
    return rows


def standards_rows(report: StandardsReport, urn: int | None = None, name: str = "All schools"
                   ) -> list[dict[str, str]]:
    """The period's total, each month, then each school's total (whole service)."""
    own = "" if urn is None else str(urn)
    rows = _rows_of(own, name, report.total)
    for line in report.months:
        rows += _rows_of(own, name, line)
    for school in report.schools:
        rows += _rows_of(str(school.urn), school.name, school.line)
    return rows


def standards_csv(report: StandardsReport, urn: int | None = None, name: str = "All schools") -> bytes:
    """UTF-8 CSV of the §11.1 figures, in the columns of STANDARDS_COLUMNS."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=STANDARDS_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(standards_rows(report, urn, name))
    return out.getvalue().encode("utf-8")
