"""The SLA team's yearly steps as jobs: rollover, issue every draft, import, every SLA as a ZIP.

Each calls the same service the command line calls; re-running a failed one finishes the
work and duplicates nothing (rollover skips agreements already rolled, issuing takes only
drafts, the import upserts, the ZIP is written whole and moved into place, the PDFs rendered
before a kill kept in the job's folder and not rendered again).
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, or_, select

from documents.bulk import default_workers, render_kept, write_zip, zip_kept
from contracts_app.extensions import db
from contracts_app.models import Agreement, SchoolGroup, school_group_members
from contracts_app.services import documents as sla_documents
from contracts_app.services.agreements.importing import import_agreements
from contracts_app.services.agreements.issuing import issue_year
from contracts_app.services.agreements.rollover import rollover
from contracts_app.services.jobs import chunks
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
                   progress: Callable[[int], object] | None = None,
                   total: Callable[[int], object] | None = None) -> int:
    """Every issued agreement's filled-in SLA of the year (or of one group or trust) as one ZIP at
    ``path``, written whole then moved into place, rendered on this machine's cores (the command line;
    the job shares the work between consumers instead)."""
    sla_documents.ensure_default()
    ids = _documents_of(year, group_id)
    if total:
        total(len(ids))
    return write_zip(sla_documents.documents_of(ids), path, min(workers or default_workers(), len(ids)),
                     progress=progress)


def _documents_of(year: int, group_id: int | None) -> list[int]:
    """The issued agreements the ZIP holds, in order; refused when there are none."""
    ids = sla_documents.issued_ids(year, None if group_id is None else group_agreement_ids(year, group_id))
    if not ids:
        raise ActionRefused(f"there are no issued {SlaYear(year).label} agreements"
                            + ("" if group_id is None else " in that group"))
    return ids


def _kept_folder(job_id: int, year: int, group_id: int | None) -> Path:
    """Where the job's PDFs are kept as they are rendered, in the shared results folder (JOBS_DIR):
    every consumer's workers write there, and a resumed job renders only what is missing."""
    return p.job_folder(job_id) / (zip_name(year, group_id) + ".pdfs")


def render_documents_chunk(chunk: chunks.Chunk) -> list[str]:
    """One share of the every-SLA job: its agreements' PDFs into the kept folder; their names, in order."""
    year, group_id = chunk.params["year"], chunk.params.get("group_id")
    return render_kept(_kept_folder(chunk.job_id, year, group_id), sla_documents.documents_of(chunk.items),
                       step=chunk.step)


def run_documents(job: JobContext, *, year: int, group_id: int | None = None) -> dict:
    """Every SLA of the year as a ZIP, rendered in chunks that every consumer shares (issue #33); the
    PDFs are kept in the job's folder as they are made, so a consumer killed half way through leaves
    what it made (issue #27), and the ZIP is put together from them at the end."""
    sla_documents.ensure_default()  # once, before any share renders with it
    ids = _documents_of(year, group_id)
    job.progress(0, len(ids))
    if not chunks.planned(job.id):  # a first start: nothing kept under this id can be this job's
        shutil.rmtree(_kept_folder(job.id, year, group_id), ignore_errors=True)
    names = chunks.fan_out(job, ids)
    path = job.result_path(zip_name(year, group_id))
    written = zip_kept(_kept_folder(job.id, year, group_id), names, path)
    return {"documents": written, "worker processes": chunks.workers_of(job.id)}


chunks.register_work("agreement_documents", render_documents_chunk)
register("rollover", run_rollover, title="Roll the year over", roles=("sla",), check=_year_only)
register("issue_agreements", run_issue, title="Issue every draft", roles=("sla",), check=_year_only)
register("import_agreements", run_import, title="Import agreements", roles=("sla",), check=_import_params)
register("agreement_documents", run_documents, title="Every SLA document as a ZIP", roles=("sla",),
         check=_documents_params)
