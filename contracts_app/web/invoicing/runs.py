"""The invoice runs page (finance): one form (SLA year, term, issue date) that previews the run here or
starts it, previewed or raised, in the background; the issue date defaults to the term's usual date and
one before the SLA year starts is named on the confirmation (issue #30). ``routes.py`` registers the
view on the invoicing blueprint with the finance role, so this module needs nothing from it."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from invoices.schedule import TERMS, early_issue_date, usual_issue_date
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear
from servicedesk.period import long_date

from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing import run_list
from contracts_app.services.queries import Sort
from contracts_app.web.args import export_arg, sort_arg, year_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.invoicing.forms import RunForm


def runs() -> ResponseReturnValue:
    """Preview (GET ?preview=1, or the form's Preview button) or raise (POST) an invoice run, with the recent
    runs; the preview is the confirmation (how many invoices, the total) and only its confirmed POST raises."""
    if fmt := export_arg():
        return send_download(run_list.export_runs(*_history_filter(), fmt))
    year = year_arg(SlaYear.containing(date.today()).start_year)
    term = request.args.get("term") if request.args.get("term") in TERMS else "summer"
    form = RunForm(year=year, term=term, issue_date=usual_issue_date(year, term))
    preview = None
    if request.method == "GET" and request.args.get("preview"):
        form = RunForm(request.args, meta={"csrf": False})
        if form.validate():
            preview = _preview(form)
    elif form.validate_on_submit():
        _default_issue_date(form)
        if request.form.get("preview"):
            preview = _preview(form)
        else:
            try:
                return _raise(form)
            except ActionRefused as exc:
                form.term.errors.append(exc.message)
    return _page(form, preview)


def _history_filter() -> tuple[int | None, str, Sort]:
    """The past runs' filters: ?run_year= and ?run_term= (apart from the form's year and term), and the order."""
    term = request.args.get("run_term", "")
    if term and term not in TERMS:
        abort(400, description=f"run_term must be summer or autumn, not {term[:40]!r}")
    return year_arg(None, "run_year"), term, sort_arg(run_list.SORT_KEYS, "started", descending=True)


def _page(form: RunForm, preview) -> ResponseReturnValue:
    early = early_issue_date(preview.sla_year, preview.issue_date) if preview else None
    run_year, run_term, sort = _history_filter()
    history = run_list.run_page(run_year, run_term, sort, request.args.get("page", 1, type=int),
                                current_app.config["PAGE_SIZE"])
    return render_template("invoicing/runs.html", form=form, preview=preview, early=early, history=history,
                           sort=sort, run_year=run_year, run_term=run_term)


def _default_issue_date(form: RunForm) -> None:
    """A blank issue date is the term's usual date (invoices.schedule.usual_issue_date, §2.7)."""
    if form.issue_date.data is None:
        form.issue_date.data = usual_issue_date(form.year.data, form.term.data)


def _preview(form: RunForm):
    _default_issue_date(form)
    try:
        return invoice_run.run(form.year.data, form.term.data, form.issue_date.data, current_user.email,
                               dry_run=True)
    except ActionRefused as exc:
        form.term.errors.append(exc.message)
        return None


def _raise(form: RunForm) -> ResponseReturnValue:
    if not confirmed():
        return _run_confirmation(form)
    report = invoice_run.run(form.year.data, form.term.data, form.issue_date.data, current_user.email)
    flash(f"{report.count} invoice(s) issued, £{report.total_gross:,.2f} gross"
          + (f" ({report.numbers[0]} to {report.numbers[-1]})" if report.numbers else
             ": everything due was already invoiced") + ".", "success")
    if report.numbers:  # the run's own invoices, whatever their terms
        return redirect(url_for(".index", run=report.run_id))
    return redirect(url_for(".index", year=form.year.data, term=form.term.data))


def _run_confirmation(form: RunForm) -> ResponseReturnValue:
    """What the run would raise: the dry-run preview, or for a large year just the cheap count."""
    year, term, issue_date = form.year.data, form.term.data, form.issue_date.data
    report, agreements = invoice_run.run_consequences(year, term, issue_date, current_user.email)
    if report is not None:
        return _page(form, report)
    label = SlaYear(year).label
    early = early_issue_date(year, issue_date)
    return confirmation_page(
        title=f"Raise the {label} {term} invoice run?",
        lead=f"{agreements:,} issued agreement(s) of {label}: too many to preview here (preview the run to see "
             "every invoice and the total).",
        consequences=[f"Every billable period due by the {term} term with no invoice yet is invoiced, plus "
                      "one-off charges and completed ad hoc work.", f"The invoices are dated {long_date(issue_date)}."]
                     + ([early] if early else []),
        action=url_for(".runs"), back=url_for(".runs", year=year, term=term),
        button=f"raise the run for {agreements:,} agreement(s)",
        fields=[("year", str(year)), ("term", term), ("issue_date", issue_date.isoformat())])
