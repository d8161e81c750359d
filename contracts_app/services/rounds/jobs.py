"""The round's close as a background job with progress (docs/jobs.md): kind ``round_close``."""
from __future__ import annotations

from pricing.sla_year import SlaYear

from pricing.errors import ActionRefused
from contracts_app.services.jobs.core import JobContext, register
from contracts_app.services.rounds.closing import close_round
from contracts_app.services.rounds.opening import require_round

FIRST_REASONS = 20


def _check(params: dict) -> dict:
    unknown = set(params) - {"year"}
    if unknown:
        raise ActionRefused(f"{', '.join(sorted(unknown))}: not a parameter of closing the round (only year)")
    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        raise ActionRefused(f"year: give the round's SLA year as a whole number, not {params.get('year')!r}") from None
    require_round(year)
    return {"year": year}


def run_close(job: JobContext, *, year: int) -> dict:
    report = close_round(year, job.actor, progress=job.progress)
    rows = [(name, why) for name, why in report.left_as_drafts + report.lapsed]
    job.write_csv(f"round-{SlaYear(year).label}-close.csv", ["school", "outcome"], rows)
    return {**report.summary(), "reasons": rows[:FIRST_REASONS]}


register("round_close", run_close, title="Close the buying round", roles=("sla",), check=_check)
