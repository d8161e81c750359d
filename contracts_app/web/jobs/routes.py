"""Background jobs: start one from its page, watch its bar, download its result, the recent list."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused
from invoices.schedule import early_issue_date
from pricing.sla_year import SlaYear
from servicedesk.period import long_date
from contracts_app.access import roles_required
from contracts_app.models import Job
from contracts_app.services import jobs
from contracts_app.services.jobs import kinds  # noqa: F401 - every kind registered (this loads with the app)
from contracts_app.services.agreements.queries import groups
from contracts_app.services.jobs import listing as job_listing
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.downloads import send_download
from contracts_app.web.jobs.forms import FORMS, PREFIXES, RerunForm, params_of

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
STAFF = ("sla", "finance")
# The page each kind is started from: a refused start goes back there.
BACK = {"rollover": "agreements.index", "issue_agreements": "agreements.index",
        "import_agreements": "agreements.index", "invoice_run": "invoicing.runs",
        "agreement_documents": "documents.templates"}


def _job(job_id: int) -> Job:
    jobs.look()  # a job whose consumer died is found by whoever looks, and resumed (docs/jobs.md)
    job = jobs.get(job_id) or abort(404)
    if not jobs.may_use(job.kind, current_user):
        abort(403)
    return job


def _back(kind: str, year: int | None = None) -> str:
    endpoint = BACK.get(kind, "jobs.index")
    return url_for(endpoint, year=year) if endpoint == "agreements.index" and year else url_for(endpoint)


def result_url(job: Job) -> str | None:
    return url_for("jobs.result", job_id=job.id) if jobs.result_file(job) else None


@bp.route("/")
@roles_required(*STAFF)
def index() -> ResponseReturnValue:
    """The jobs of the kinds this user may use, filtered by kind and state, sorted, paged and exported."""
    jobs.look()
    kind, state = request.args.get("kind", "").strip(), request.args.get("state", "").strip()
    sort = sort_arg(job_listing.SORT_KEYS, "started", descending=True)
    try:
        if fmt := export_arg():
            return send_download(job_listing.export_jobs(current_user, kind, state, sort, fmt))
        result = job_listing.job_page(current_user, kind, state, sort, request.args.get("page", 1, type=int),
                                      current_app.config["PAGE_SIZE"])
    except ActionRefused as exc:
        abort(400, description=exc.message)
    return render_template("jobs/index.html", result=result, kinds=jobs.KINDS, kind=kind, state=state, sort=sort,
                           mine=jobs.kinds_for(current_user))


def _confirmation(kind: str, params: dict) -> ResponseReturnValue | None:
    """Issuing every draft and a real invoice run cannot be undone: say so first."""
    label = SlaYear(params["year"]).label
    early = None
    if kind == "issue_agreements":
        lead = f"Every {label} draft is priced and issued; those that cannot be are listed with the reason."
        button = f"issue every {label} draft"
    elif kind == "invoice_run" and params["dry_run"] == "0":
        issue_date = date.fromisoformat(params["issue_date"])
        lead = (f"The {label} {params['term']} invoice run raises every invoice due, dated {long_date(issue_date)}. "
                "Preview it first to see the count and the total.")
        button = f"raise the {label} {params['term']} run"
        early = early_issue_date(params["year"], issue_date)
    else:
        return None
    return confirmation_page(title=f"{jobs.KINDS[kind].title} {label}?", lead=lead,
                             consequences=["It runs in the background; the next page shows its progress."]
                             + ([early] if kind == "invoice_run" and early else []),
                             action=url_for(".start", kind=kind), back=_back(kind, params["year"]), button=button)


@bp.route("/start/<kind>", methods=["POST"])
@roles_required(*STAFF)
def start(kind: str) -> ResponseReturnValue:
    """Start a job of ``kind`` from its form; its page shows the bar."""
    if kind not in FORMS or kind not in jobs.KINDS:
        abort(404)
    if not jobs.may_use(kind, current_user):
        abort(403)
    form = FORMS[kind](prefix=PREFIXES.get(kind, ""))
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")
        return redirect(_back(kind))
    params = params_of(kind, form)
    if not confirmed() and (page := _confirmation(kind, params)) is not None:
        return page
    upload = None
    if kind == "import_agreements":
        upload = (form.file.data.filename or "agreements file", form.file.data.read())
    try:
        job = jobs.start(kind, params, current_user, upload=upload)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return redirect(_back(kind, params.get("year")))
    return redirect(url_for(".show", job_id=job.id))


@bp.route("/<int:job_id>")
@roles_required(*STAFF)
def show(job_id: int) -> ResponseReturnValue:
    """One job: its bar while it runs, its counts and download link when done, its error if failed."""
    job = _job(job_id)
    return render_template("jobs/show.html", job=job, kind=jobs.KINDS.get(job.kind), result_url=result_url(job),
                           rerun=RerunForm())


@bp.route("/<int:job_id>/status")
@roles_required(*STAFF)
def status(job_id: int) -> ResponseReturnValue:
    """The bar's JSON: state, done, total, result_url, error."""
    job = _job(job_id)
    return jsonify({**jobs.status(job), "result_url": result_url(job)})


@bp.route("/<int:job_id>/result")
@roles_required(*STAFF)
def result(job_id: int) -> ResponseReturnValue:
    """The job's result file (a ZIP of SLA documents, a CSV of what could not be done)."""
    path = jobs.result_file(_job(job_id)) or abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.route("/<int:job_id>/rerun", methods=["POST"])
@roles_required(*STAFF)
def rerun(job_id: int) -> ResponseReturnValue:
    """Start a failed job again: it finishes what is left and does nothing twice."""
    job = _job(job_id)
    if RerunForm().validate_on_submit():
        try:
            jobs.rerun(job)
            flash("Started again.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".show", job_id=job.id))


@bp.app_template_global("job_form")
def job_form(kind: str, **data) -> object | None:
    """The form that starts ``kind``, for the page it is started from (None: not this user's)."""
    if not jobs.may_use(kind, current_user):
        return None
    data.setdefault("year", SlaYear.containing(date.today()).start_year)
    form = FORMS[kind](formdata=None, prefix=PREFIXES.get(kind, ""), **data)
    if kind == "agreement_documents":
        form.group_id.choices = [("", "Every issued agreement")] + [(str(g.id), g.name) for g in groups()]
    return form
