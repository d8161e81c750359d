"""The invoice runs page's past runs as a list (issue #30): filtered by year and term, sorted by any column
shown, a page at a time, and exported as filtered."""
from __future__ import annotations

from sqlalchemy import Select, select

from contracts_app.extensions import db
from contracts_app.models import InvoiceRun
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from pricing.spreadsheet import Column, Download, download
from pricing.sla_year import SlaYear

SORT_KEYS = ("started", "by", "year", "issue_date", "invoices", "gross")
EXPORT_COLUMNS = (Column("run", "whole"), Column("started"), Column("started_by"), Column("sla_year"),
                  Column("term"), Column("issue_date", "date"), Column("invoices", "whole"), Column("net", "money"),
                  Column("gross", "money"))


def _runs(year: int | None, term: str, sort: Sort | None) -> Select:
    query = select(InvoiceRun)
    if year is not None:
        query = query.where(InvoiceRun.sla_year == year)
    if term:
        query = query.where(InvoiceRun.term == term)
    columns = {"started": InvoiceRun.started_at, "by": InvoiceRun.started_by, "year": InvoiceRun.sla_year,
               "issue_date": InvoiceRun.issue_date, "invoices": InvoiceRun.invoices_raised,
               "gross": InvoiceRun.total_gross}
    return sorted_by(query, sort or Sort("started", descending=True), columns,
                     (InvoiceRun.started_at.desc(), InvoiceRun.id.desc()))


def run_page(year: int | None, term: str, sort: Sort | None, page: int, per_page: int) -> Page:
    """One page of the runs, newest first unless another column is chosen."""
    return paginate(_runs(year, term, sort), page, per_page)


def export_runs(year: int | None, term: str, sort: Sort | None, fmt: str) -> Download:
    """The runs the filters find, in the page's order, as CSV or XLSX (times in UTC)."""
    rows = ([r.id, r.started_at.isoformat(timespec="seconds"), r.started_by, SlaYear(r.sla_year).label, r.term,
             r.issue_date, r.invoices_raised, r.total_net, r.total_gross] for r in db.session.scalars(_runs(year, term, sort)))
    return download(EXPORT_COLUMNS, rows, "invoice-runs", fmt)
