"""The jobs page as a list (issue #30): the jobs of the kinds this user may use, filtered by kind and state,
sorted by any column shown, a page at a time, and exported as filtered."""
from __future__ import annotations

from sqlalchemy import Select, select

from contracts_app.extensions import db
from contracts_app.models import Job, User
from contracts_app.models.job import JOB_STATES
from contracts_app.services.jobs.core import KINDS, kinds_for
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from pricing.errors import ActionRefused
from pricing.spreadsheet import Column, Download, download

SORT_KEYS = ("id", "what", "started", "by", "state", "done")
EXPORT_COLUMNS = (Column("job", "whole"), Column("kind"), Column("what"), Column("year", "whole"), Column("state"),
                  Column("started_by"), Column("created", "date"), Column("finished", "date"),
                  Column("done", "whole"), Column("total", "whole"), Column("error"))


def _jobs(user: User, kind: str, state: str, sort: Sort | None) -> Select:
    kinds = kinds_for(user)
    if kind and kind not in kinds:
        raise ActionRefused(f"kind must be one of {', '.join(sorted(kinds))}, not {kind[:40]!r}")
    if state and state not in JOB_STATES:
        raise ActionRefused(f"state must be one of {', '.join(JOB_STATES)}, not {state[:40]!r}")
    query = select(Job).where(Job.kind.in_([kind] if kind else (kinds or ["-"])))
    if state:
        query = query.where(Job.state == state)
    columns = {"id": Job.id, "what": Job.kind, "started": Job.created_at, "by": Job.started_by,
               "state": Job.state, "done": Job.done}
    return sorted_by(query, sort or Sort("started", descending=True), columns, (Job.created_at.desc(), Job.id.desc()))


def job_page(user: User, kind: str, state: str, sort: Sort | None, page: int, per_page: int) -> Page:
    """One page of the jobs this user may see, newest first unless another column is chosen."""
    return paginate(_jobs(user, kind, state, sort), page, per_page)


def export_jobs(user: User, kind: str, state: str, sort: Sort | None, fmt: str) -> Download:
    """The filtered jobs, in the page's order, as CSV or XLSX."""
    rows = ([j.id, j.kind, KINDS[j.kind].title if j.kind in KINDS else j.kind, j.parameters.get("year"), j.state,
             j.started_by, j.created_at.date(), j.finished_at.date() if j.finished_at else None, j.done, j.total,
             j.error or ""] for j in db.session.scalars(_jobs(user, kind, state, sort)))
    return download(EXPORT_COLUMNS, rows, "jobs", fmt)
