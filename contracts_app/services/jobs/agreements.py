"""The SLA team's yearly steps as jobs: rollover, issue every draft, import, every SLA as a ZIP.

Each calls the same service the command line calls; re-running a failed one finishes the
work and duplicates nothing (rollover skips agreements already rolled, issuing takes only
drafts, the import upserts, the ZIP is written whole and moved into place, the PDFs rendered
before a kill kept in the job's folder and not rendered again).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select

from documents.bulk import default_workers, write_zip
from contracts_app.extensions import db
from contracts_app.models import Agreement, SchoolGroup, school_group_members
from contracts_app.services import documents as sla_documents
from contracts_app.services.agreements.importing import import_agreements
from contracts_app.services.agreements.issuing import issue_year
from contracts_app.services.agreements.rollover import rollover
from contracts_app.services.jobs import core as p
from contracts_app.services.jobs.core import JobContext, NotFound, register
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

FIRST_REASONS = 20  # shown on the job's page; the result file has them all


def _once(name: str, reason: str) -> tuple[str, str]:
    """A row of the job's "not done" list names the agreement once: the services' messages start with
    the name (the command line prints them alone), so that start is dropped beside the name column."""
    return name, reason.removeprefix(f"{name}: ")


def _year_only(params: dict) -> dict:
    p.only(params, {"year"})
    return {"year": p.year(params)}


def run_rollover(job: JobContext, *, year: int) -> dict:
    report = rollover(year, progress=job.progress)
    rows = [_once(name, why) for name, why in report.skipped]
    job.write_csv(f"rollover-{SlaYear(year).label}-not-rolled-over.csv", ["agreement", "reason"], rows)
    result = {"created": len(report.created), "not rolled over": len(rows), "reasons": rows[:FIRST_REASONS]}
    if report.followed:  # closed schools' agreements and their successors (issue #28)
        result["closed schools"] = "; ".join(report.followed[:FIRST_REASONS])
    return result


def _draft_count(year: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Agreement).where(
        Agreement.sla_year == year, Agreement.status == "draft")) or 0


def run_issue(job: JobContext, *, year: int) -> dict:
    job.progress(0, _draft_count(year))
    report = issue_year(year, job.actor, progress=job.advance)
    rows = [_once(agreement.name, reason) for agreement, reason in report.refused]
    job.write_csv(f"issue-{SlaYear(year).label}-not-issued.csv", ["agreement", "reason"], rows)
    return {"issued": len(report.issued_ids), "not issued": len(rows), "reasons": rows[:FIRST_REASONS]}


def _import_params(params: dict) -> dict:
    p.only(params, {"year"})
    return {"year": p.year(params)}


def run_import(job: JobContext, *, year: int, upload: str | None = None, source: str = "agreements file") -> dict:
    if not upload or not Path(upload).is_file():
        raise ActionRefused("the uploaded agreements file is no longer kept; start the import again with the file")
    job.progress(0, 1)
    report = import_agreements(Path(upload).read_bytes(), year, source)
    job.progress(1, 1)
    return {"summary": report.summary()}


def _documents_params(params: dict) -> dict:
    p.only(params, {"year", "group_id"})
    clean = {"year": p.year(params)}
    group_id = p.whole_number(params, "group_id", required=False)
    if group_id is not None:
        if db.session.get(SchoolGroup, group_id) is None:
            raise NotFound(f"group_id: there is no group or trust {group_id}")
        clean["group_id"] = group_id
    return clean


def group_agreement_ids(year: int, group_id: int) -> list[int]:
    """The group's own agreement and its member schools' agreements for the year."""
    members = select(school_group_members.c.school_id).where(school_group_members.c.group_id == group_id)
    return list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, or_(Agreement.group_id == group_id, Agreement.school_id.in_(members)))))


def zip_name(year: int, group_id: int | None = None) -> str:
    label = SlaYear(year).label
    return f"sla-{label}.zip" if group_id is None else f"sla-{label}-group-{group_id}.zip"


def write_year_zip(year: int, path: Path, workers: int | None = None, group_id: int | None = None,
                   progress: Callable[[int], object] | None = None, total: Callable[[int], object] | None = None,
                   keep: Path | None = None) -> int:
    """Every issued agreement's filled-in SLA of the year (or of one group or trust) as one ZIP
    at ``path``, written whole then moved into place; the command line and the job both use it.
    ``keep``: a folder where each PDF is kept as it is rendered, so a resumed job renders only the rest."""
    label = SlaYear(year).label
    sla_documents.ensure_default()
    only = None if group_id is None else group_agreement_ids(year, group_id)
    count = sla_documents.issued_count(year) if only is None else len(
        [i for i in only if db.session.get(Agreement, i).issued_at is not None])
    if count == 0:
        raise ActionRefused(f"there are no issued {label} agreements" + ("" if group_id is None else " in that group"))
    if total:
        total(count)
    return write_zip(sla_documents.year_documents(year, only), path, min(workers or default_workers(), count),
                     progress=progress, keep=keep)


def run_documents(job: JobContext, *, year: int, group_id: int | None = None) -> dict:
    workers = current_app.config.get("JOB_PDF_WORKERS") or None
    path = job.result_path(zip_name(year, group_id))
    # The PDFs rendered so far are kept in the job's folder: a consumer killed half way through
    # 3,000 documents leaves 1,500 the next one does not render again (issue #27: done within
    # two minutes of the restart).
    written = write_year_zip(year, path, workers, group_id, progress=job.advance,
                             total=lambda n: job.progress(0, n), keep=path.with_name(path.name + ".pdfs"))
    return {"documents": written}


register("rollover", run_rollover, title="Roll the year over", roles=("sla",), check=_year_only)
register("issue_agreements", run_issue, title="Issue every draft", roles=("sla",), check=_year_only)
register("import_agreements", run_import, title="Import agreements", roles=("sla",), check=_import_params)
register("agreement_documents", run_documents, title="Every SLA document as a ZIP", roles=("sla",),
         check=_documents_params)
