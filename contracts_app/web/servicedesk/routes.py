"""SLA performance reports from the service desk's ticket log (§5-7, §11.1).

Staff see every school's report and the whole service's; a school user sees its own
school's (another school's is "not found"), with a PDF to download. The chart is an SVG
of its own, shown through an <img>, because the pages' CSP forbids inline styles.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.access import roles_required, school_or_404
from contracts_app.models import School
from contracts_app.services import servicedesk as service
from contracts_app.services.servicedesk import mir as mirs
from contracts_app.services.servicedesk import standards
from contracts_app.services.council import report_issuer
from contracts_app.services.jobs.imports import import_or_queue
from contracts_app.web.servicedesk.forms import ContactImportForm, MirForm, PeriodForm, TicketImportForm
from pricing.errors import ActionRefused
from servicedesk.chart import kpi_chart_svg
from servicedesk.export import export_csv
from servicedesk.formatting import days, desk_time, kpi_verdict, percent, status_text
from servicedesk.period import Period, desk_today, period_from, usual_periods
from servicedesk.report_pdf import render_report_pdf
from servicedesk.standards_export import standard_limit, standard_share, standard_verdict, standards_csv

bp = Blueprint("reports", __name__, url_prefix="/reports")

STAFF = ("sla", "finance")
# The most breached tickets listed on the whole-service page; the CSV has them all.
BREACHES_LISTED = 100
# The chart's own policy: pygal's SVG styles itself inline and its script must never run.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"

bp.add_app_template_filter(desk_time, "desk_time")
bp.add_app_template_filter(percent, "kpi_percent")
bp.add_app_template_filter(kpi_verdict, "kpi_verdict")
bp.add_app_template_filter(status_text, "clock_status")
bp.add_app_template_filter(days, "working_days")
bp.add_app_template_filter(standard_share, "standard_share")
bp.add_app_template_filter(standard_verdict, "standard_verdict")
bp.add_app_template_filter(standard_limit, "standard_limit")


def _school(urn: int) -> School:
    """The school named in the URL; another school's is 404 to a school user."""
    return school_or_404(service.school_by_urn(urn))


def _period() -> tuple[PeriodForm, Period | None]:
    """The period asked for (default: the SLA year so far), or None with the form's errors."""
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return form, None
    try:
        period = period_from(form.start.data, form.end.data, desk_today())
    except ActionRefused as exc:  # only a start after today, with no end given, gets here
        form.start.errors = [*form.start.errors, f"{exc.message[0].upper()}{exc.message[1:]}."]
        return form, None
    form.start.data, form.end.data = period.start, period.end  # so the inputs show the defaults used
    return form, period


def _period_or_400() -> Period:
    """For the chart, PDF and CSV: a bad period is a 400 naming the field, not a page."""
    form, period = _period()
    if period is None:
        abort(400, description="The report period is not valid. " + " ".join(form.messages))
    return period


def _period_args(period: Period) -> dict[str, str]:
    """The period as query arguments, so the chart, PDF and CSV links match the page."""
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _quick_periods() -> list[tuple[str, dict[str, str]]]:
    """Links for the periods people usually ask for."""
    return [(label, _period_args(p)) for label, p in usual_periods(desk_today())]


def _svg(data: bytes) -> Response:
    """An SVG response allowed its own inline styles (and nothing else)."""
    response = Response(data, mimetype="image/svg+xml")
    # Set here, so the app's after_request (setdefault) keeps it instead of the page policy.
    response.headers["Content-Security-Policy"] = CHART_CSP
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    """A file the browser saves rather than shows."""
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/")
@roles_required(*STAFF)
def index() -> ResponseReturnValue:
    """The whole service: KPI table, chart, each school's figures (worst first), breaches."""
    form, period = _period()
    report = page = None
    if period is not None:
        report = service.service_report(period)
        page = service.schools_page(report, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("reports/index.html", form=form, period=period, report=report, schools=page,
                           breaches_listed=BREACHES_LISTED, quick=_quick_periods(),
                           args=_period_args(period) if period else {}), (200 if period else 400)


@bp.route("/chart.svg")
@roles_required(*STAFF)
def service_chart() -> ResponseReturnValue:
    """The whole service's monthly KPI chart (SVG, for the page's <img>)."""
    period = _period_or_400()
    report = service.service_report(period)
    return _svg(kpi_chart_svg(report.months, report.kpi_percent,
                              "All schools: incidents and service requests within SLA"))


@bp.route("/tickets.csv")
@roles_required(*STAFF)
def service_csv() -> ResponseReturnValue:
    """Every ticket of every school logged in the period, with its clock."""
    period = _period_or_400()
    report = service.service_report(period)
    return _download(export_csv(report.tickets, report.mirs), "text/csv", f"sla-tickets-all-schools-{period.slug}.csv")


@bp.route("/schools/<int:urn>")
@roles_required(*STAFF, "school")
def school(urn: int) -> ResponseReturnValue:
    """One school's report: the KPI table, chart, breached and open tickets, every ticket."""
    school = _school(urn)
    form, period = _period()
    report = service.school_report(school, period) if period else None
    return (render_template("reports/school.html", school=school, form=form, period=period, report=report,
                           quick=_quick_periods(), args=_period_args(period) if period else {}),
                           (200 if period else 400))


@bp.route("/schools/<int:urn>/chart.svg")
@roles_required(*STAFF, "school")
def school_chart(urn: int) -> ResponseReturnValue:
    """One school's monthly KPI chart (SVG, for the page's <img>)."""
    school = _school(urn)
    report = service.school_report(school, _period_or_400())
    return _svg(kpi_chart_svg(report.months, report.kpi_percent,
                              f"{school.name}: incidents and service requests within SLA"))


@bp.route("/schools/<int:urn>/report.pdf")
@roles_required(*STAFF, "school")
def school_pdf(urn: int) -> ResponseReturnValue:
    """One school's report as a PDF to download (§11.1 "SLA reports are available on request")."""
    school = _school(urn)
    period = _period_or_400()
    report = service.school_report(school, period)
    return _download(render_report_pdf(report, report_issuer()), "application/pdf",
                     f"sla-report-{school.urn}-{period.slug}.pdf")


@bp.route("/schools/<int:urn>/tickets.csv")
@roles_required(*STAFF, "school")
def school_csv(urn: int) -> ResponseReturnValue:
    """One school's tickets logged in the period, with their clocks."""
    school = _school(urn)
    period = _period_or_400()
    report = service.school_report(school, period)
    return _download(export_csv(report.tickets, report.mirs), "text/csv", f"sla-tickets-{school.urn}-{period.slug}.csv")


@bp.route("/mine")
@roles_required("school")
def portal() -> ResponseReturnValue:
    """A school user's own report; a user of a group chooses one of its schools."""
    if current_user.role != "school":
        return redirect(url_for(".index"))  # an admin has no school of its own
    schools = service.schools_of(current_user.school_ids())
    if len(schools) == 1:
        return redirect(url_for(".school", urn=schools[0].urn, **request.args))
    return render_template("reports/portal.html", schools=schools)


@bp.route("/import", methods=["GET", "POST"])
@roles_required("sla")
def import_tickets() -> ResponseReturnValue:
    """Upload the call logging system's ticket log (the same import as `tickets import`)."""
    form = TicketImportForm()
    problems = None
    status = 200
    if form.validate_on_submit():
        result, problems, job = import_or_queue("import_tickets", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if result is not None:
            flash(f"Tickets imported: {result.summary()}.", "success")
            return redirect(url_for(".import_tickets"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("reports/import.html", form=form, problems=problems, count=service.ticket_count(),
                           columns=service.COLUMNS + service.OPTIONAL_COLUMNS), status


@bp.route("/standards.csv")
@roles_required(*STAFF)
def service_standards_csv() -> ResponseReturnValue:
    """§11.1 calls and emails of the whole service: the period, each month, each school."""
    period = _period_or_400()
    report = service.service_report(period)
    return _download(standards_csv(report.standards), "text/csv", f"sla-calls-emails-all-schools-{period.slug}.csv")


@bp.route("/schools/<int:urn>/standards.csv")
@roles_required(*STAFF, "school")
def school_standards_csv(urn: int) -> ResponseReturnValue:
    """One school's §11.1 calls and emails: the period and each month."""
    school = _school(urn)
    period = _period_or_400()
    report = service.school_report(school, period)
    return _download(standards_csv(report.standards, school.urn, school.name), "text/csv",
                     f"sla-calls-emails-{school.urn}-{period.slug}.csv")


_CONTACT_IMPORTS = {"calls": "call", "emails": "email"}


@bp.route("/calls/import", methods=["GET", "POST"])
@roles_required("sla")
def import_calls() -> ResponseReturnValue:
    """Upload the telephony system's call log (the same import as `calls import`)."""
    return _import_contacts("calls")


@bp.route("/emails/import", methods=["GET", "POST"])
@roles_required("sla")
def import_emails() -> ResponseReturnValue:
    """Upload the desk mailbox's email log (the same import as `emails import`)."""
    return _import_contacts("emails")


def _import_contacts(kind: str) -> ResponseReturnValue:
    """The call or email log's upload page: all or nothing, every problem named by row and column."""
    channel = _CONTACT_IMPORTS[kind]
    form = ContactImportForm()
    problems = None
    status = 200
    if form.validate_on_submit():
        result, problems, job = import_or_queue(f"import_{kind}", form.file.data, current_user)
        if job is not None:  # a long log: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if result is not None:
            flash(f"{kind.capitalize()} imported: {result.summary()}.", "success")
            return redirect(url_for(f".import_{kind}"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("reports/import_log.html", form=form, problems=problems, kind=kind,
                           channel=channel, count=standards.contact_count(channel)), status


@bp.route("/tickets/<int:ticket_id>/mir", methods=["GET", "POST"])
@roles_required("sla")
def ticket_mir(ticket_id: int) -> ResponseReturnValue:
    """§6.5: attach a major incident's MIR (PDF), or record why none was produced."""
    ticket = mirs.ticket_by_id(ticket_id) or abort(404)
    form = MirForm()
    refusal = None
    if form.validate_on_submit():
        try:
            if form.file.data and form.file.data.filename:
                mirs.attach_mir(ticket, form.file.data.read(), form.file.data.filename, current_user.email)
                flash(f"The MIR of ticket {ticket.reference} is attached: the school sees it.", "success")
            else:
                mirs.no_mir(ticket, form.reason.data or "", current_user.email)
                flash(f"Ticket {ticket.reference}: why no MIR was produced is recorded.", "success")
            return redirect(url_for(".school", urn=ticket.school.urn))
        except ActionRefused as exc:
            refusal = exc.message
    status = 400 if refusal or form.errors else 200
    return render_template("reports/mir.html", ticket=ticket, form=form, refusal=refusal,
                           current=mirs.mir_statuses([ticket.id]).get(ticket.id)), status


@bp.route("/mirs/<int:mir_id>.pdf")
@roles_required(*STAFF, "school")
def mir_pdf(mir_id: int) -> ResponseReturnValue:
    """A Major Incident Report; another school's is not found to a school user."""
    found = mirs.mir_file(mir_id) or abort(404)
    mir, school = found
    school_or_404(school)
    return _download(mir.pdf, "application/pdf", f"mir-{school.urn}-{mir.ticket_id}.pdf")
