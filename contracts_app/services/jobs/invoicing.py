"""The invoice run, and its preview (dry_run), as a job: at 25,000 schools neither is a request's work.

The run's billing keys make a re-run of a failed job bill only what is still unbilled.
"""
from __future__ import annotations

from datetime import date

from contracts_app.services.invoicing import runs
from contracts_app.services.jobs import core as p
from contracts_app.services.jobs.core import JobContext, register
from invoices.schedule import TERMS
from pricing.errors import ActionRefused
from pricing.money import format_gbp
from pricing.sla_year import SlaYear

FIRST_REASONS = 20
FIRST_SCHOOLS = 50


def _check(params: dict) -> dict:
    p.only(params, {"year", "term", "issue_date", "dry_run"})
    term = str(params.get("term") or "").strip().lower()
    if term not in TERMS:
        raise ActionRefused(f"term: {params.get('term')!r} is not a term (one of: {', '.join(TERMS)})")
    return {"year": p.year(params), "term": term, "issue_date": p.iso_date(params, "issue_date"),
            "dry_run": p.flag(params, "dry_run")}


def _money(value) -> str:
    return f"{value:.2f}"


def _schools(report) -> list[list]:
    """The first schools invoiced, (URN, name) by name, from the run's sample of invoices."""
    seen = {(p.party.urn, p.party.name) for p in report.invoices}
    return [list(school) for school in sorted(seen, key=lambda s: (s[1], s[0]))[:FIRST_SCHOOLS]]


def run_invoices(job: JobContext, *, year: int, term: str, issue_date: str, dry_run: bool) -> dict:
    job.progress(0, runs.billable_count(year))
    report = runs.run(year, term, date.fromisoformat(issue_date), job.actor, dry_run=dry_run,
                      progress=job.advance)
    rows = [("invoices", "", report.count, _money(report.total_net), _money(report.total_gross))]
    rows += [("customer type", kind, n, _money(net), _money(gross))
             for kind, (n, net, gross) in report.by_customer_type().items()]
    rows += [("not invoiced", f"{name}: {why}", "", "", "") for name, why in report.skipped]
    rows += [("no invoice contact", f"{name} ({urn})", "", "", "") for urn, name in report.no_invoice_contact]
    label = SlaYear(year).label
    job.write_csv(f"invoice-run-{label}-{term}{'-preview' if dry_run else ''}.csv",
                  ["what", "detail", "invoices", "net", "gross"], rows)
    # The page shows money as on every other page (£1,234.56); the CSV above keeps plain numbers.
    summary = {"invoices": report.count, "net": format_gbp(report.total_net), "gross": format_gbp(report.total_gross),
               "schools invoiced": len(report.school_ids), "schools": _schools(report),
               "already billed": report.already_billed, "not invoiced": len(report.skipped),
               "reasons": [list(r) for r in report.skipped[:FIRST_REASONS]], "preview": dry_run,
               "no invoice contact": len(report.no_invoice_contact)}
    if report.numbers:
        summary["numbers"] = f"{report.numbers[0]} to {report.numbers[-1]}"
    if report.run_id is not None:
        summary["run_id"] = report.run_id
    return summary


register("invoice_run", run_invoices, title="Invoice run", roles=("finance",), check=_check)
