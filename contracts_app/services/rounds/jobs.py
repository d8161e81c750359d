"""The round's close as a background job with progress (docs/jobs.md): kind ``round_close``.

Its result file lists every school with its outcome; the job's result names every school left
without an agreement for next year, with why."""
from __future__ import annotations

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear
from rounds.rules import OUTCOME_NAMES

from contracts_app.services.jobs.core import JobContext, register
from contracts_app.services.rounds.closing import check_may_close, close_round
from contracts_app.services.rounds.opening import require_round

LISTED = 200


def _check(params: dict) -> dict:
    unknown = set(params) - {"year", "early"}
    if unknown:
        raise ActionRefused(f"{', '.join(sorted(unknown))}: not a parameter of closing the round (year, early)")
    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        raise ActionRefused(f"year: give the round's SLA year as a whole number, not {params.get('year')!r}") from None
    early = params.get("early", False)
    if not isinstance(early, bool):
        raise ActionRefused(f"early: true or false, not {early!r}")
    check_may_close(require_round(year), early)
    return {"year": year, "early": early}


def run_close(job: JobContext, *, year: int, early: bool = False) -> dict:
    report = close_round(year, job.actor, progress=job.progress, early=early)
    job.write_csv(f"round-{SlaYear(year).label}-close.csv", ["urn", "school", "outcome", "why", "agreement"],
                  [(r.urn, r.school, OUTCOME_NAMES[r.outcome], r.reason, r.agreement) for r in report.schools])
    missing = report.without_agreement
    return {**report.summary(),
            "reasons": [(f"{r.school} (URN {r.urn})", f"{OUTCOME_NAMES[r.outcome]}: {r.reason}")
                        for r in missing[:LISTED]]}


register("round_close", run_close, title="Close the buying round", roles=("sla",), check=_check)
