"""Reading ad hoc requests for pages and commands: one request, its page, the lists and counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, AuditEvent, Invoice, School, TimeEntry
from contracts_app.services.adhoc.charges import Charge, charge, invoice_of
from contracts_app.services.adhoc.documents import estimate_document
from contracts_app.services.bounds import search_number
from pricing.spreadsheet import Download, download
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from invoices.adhoc_documents import EstimateDocument
from pricing.spreadsheet import Column


# -- one request ------------------------------------------------------------------------------

def get(request_id: int) -> AdHocRequest | None:
    """The request with this id, or None."""
    return db.session.get(AdHocRequest, request_id)


def time_entry(request: AdHocRequest, entry_id: int) -> TimeEntry | None:
    """One of the request's time entries, or None (also for another request's entry)."""
    entry = db.session.get(TimeEntry, entry_id)
    return entry if entry is not None and entry.request_id == request.id else None


def history(request: AdHocRequest) -> list[AuditEvent]:
    """The request's audit trail, newest first."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "AdHocRequest",
                                                            AuditEvent.entity_id == str(request.id))
                                   .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


@dataclass(frozen=True)
class RequestFacts:
    """What the request's page shows beside the request itself."""

    estimate: EstimateDocument | None
    charge: Charge
    invoice: Invoice | None
    history: list[AuditEvent]


def page_facts(request: AdHocRequest, *, with_history: bool) -> RequestFacts:
    """The estimate, the charge so far, the invoice and (for staff) the history of one request."""
    return RequestFacts(estimate_document(request), charge(request), invoice_of(request),
                        history(request) if with_history else [])


# -- lists ------------------------------------------------------------------------------------

SORT_KEYS = ("reference", "school", "kind", "work", "status", "created")
EXPORT_COLUMNS = (Column("reference"), Column("urn", "whole"), Column("school"), Column("kind"), Column("status"),
                  Column("description"), Column("estimate_hours", "money"), Column("estimate_rate", "money"),
                  Column("created", "date"), Column("authorised_on", "date"), Column("completed_on", "date"))


def _requests(status: str, kind: str, q: str, sort: Sort | None) -> Select:
    query = select(AdHocRequest).join(School, School.id == AdHocRequest.school_id)
    if status:
        query = query.where(AdHocRequest.status == status)
    if kind:
        query = query.where(AdHocRequest.kind == kind)
    q = q.strip()
    if q:
        conditions = [School.name_lower.contains(q.lower()), AdHocRequest.reference.contains(q.upper())]
        if (number := search_number(q)) is not None:
            conditions.append(School.urn == number)
        query = query.where(or_(*conditions))
    columns = {"reference": AdHocRequest.reference, "school": School.name_lower, "kind": AdHocRequest.kind,
               "work": func.lower(AdHocRequest.description), "status": AdHocRequest.status,
               "created": AdHocRequest.created_at}
    return sorted_by(query.options(selectinload(AdHocRequest.school)), sort or Sort("created", descending=True),
                     columns, (AdHocRequest.id.desc(),))


def list_requests(status: str = "", kind: str = "", q: str = "", page: int = 1, per_page: int = 50,
                  sort: Sort | None = None) -> Page:
    """A page of requests, newest first unless another column is chosen, filtered by status, kind and
    school name, URN or reference."""
    return paginate(_requests(status, kind, q, sort), page, per_page)


def export_requests(status: str, kind: str, q: str, sort: Sort | None, fmt: str) -> Download:
    """Every request the filters find, in the list's order, as CSV or XLSX."""
    rows = ([r.reference, r.school.urn, r.school.name, r.kind, r.status, r.description, r.estimate_hours,
             r.estimate_rate, r.created_at.date(), r.authorised_on, r.completed_on]
            for r in db.session.scalars(_requests(status, kind, q, sort)))
    return download(EXPORT_COLUMNS, rows, "adhoc-requests", fmt)


class RequestList(NamedTuple):
    """The requests page: one page of the filtered list, and how many requests are in each status."""

    result: Page
    counts: dict[str, int]


def request_list(status: str, kind: str, q: str, page: int, per_page: int, sort: Sort | None = None) -> RequestList:
    """What the requests page shows: ``list_requests`` and ``status_counts``."""
    return RequestList(list_requests(status, kind, q, page, per_page, sort), status_counts())


def minutes_by_request(ids: list[int]) -> dict[int, int]:
    """Minutes booked per request, in one query (for lists)."""
    if not ids:
        return {}
    return dict(db.session.execute(select(TimeEntry.request_id, func.sum(TimeEntry.minutes))
                                   .where(TimeEntry.request_id.in_(ids)).group_by(TimeEntry.request_id)).all())


def status_counts() -> dict[str, int]:
    """How many requests are in each status."""
    return dict(db.session.execute(select(AdHocRequest.status, func.count()).group_by(AdHocRequest.status)).all())


def portal_requests(school_ids: set[int]) -> list[AdHocRequest]:
    """A school user's requests: those waiting for the school's answer first, then the newest."""
    return list(db.session.scalars(
        select(AdHocRequest).where(AdHocRequest.school_id.in_(school_ids))
        .options(selectinload(AdHocRequest.school))
        .order_by((AdHocRequest.status == "estimated").desc(), AdHocRequest.id.desc())))


@dataclass(frozen=True)
class PortalFacts:
    """The school portal's ad hoc page: every request, those waiting for an answer, their estimates."""

    requests: list[AdHocRequest]
    waiting: list[AdHocRequest]
    estimates: dict[int, EstimateDocument | None]


def portal(school_ids: set[int]) -> PortalFacts:
    """What a school user's ad hoc page shows (§7.3: estimates waiting for the school's answer)."""
    requests = portal_requests(school_ids)
    return PortalFacts(requests, [r for r in requests if r.status == "estimated"],
                       {r.id: estimate_document(r) for r in requests})
