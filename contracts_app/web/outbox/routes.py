"""The Outbox (admin): every email the system sent, is waiting to send, or could not send."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from contracts_app.access import roles_required
from contracts_app.services import outbox
from contracts_app.services import blobs
from contracts_app.services.outbox import queries
from contracts_app.services.outbox.queries import OutboxFilter
from contracts_app.services.outbox.sending import NOT_CONFIGURED, read_attachment
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.outbox.forms import RetryForm
from pricing.errors import ActionRefused

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


def _message(message_id: int):
    return queries.get(message_id) or abort(404)


@bp.route("/")
@roles_required()
def index() -> ResponseReturnValue:
    """The outbox, newest first, filtered by state, purpose and recipient or subject."""
    args = request.args
    state = args.get("state", "")
    if state and state not in ("queued", "sent", "failed"):
        abort(400, description=f"state must be queued, sent or failed, not {state!r}")
    filters = OutboxFilter(state=state, purpose=args.get("purpose", ""), q=args.get("q", ""))
    sort = sort_arg(queries.SORT_KEYS, "id", descending=True)
    if fmt := export_arg():
        return send_download(queries.export_messages(filters, sort, fmt))
    result = queries.messages(filters, args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], sort)
    return render_template("outbox/index.html", result=result, counts=queries.counts(), purposes=queries.purposes(),
                           args=args, configured=outbox.mail_configured(), not_configured=NOT_CONFIGURED,
                           sort=sort, retry_form=RetryForm())


@bp.route("/retry", methods=["POST"])
@roles_required()
def retry_chosen() -> ResponseReturnValue:
    """Send the chosen failed messages again, after a confirmation naming how many."""
    back = request.form.get("back", "")
    back = back if back.startswith(url_for(".index")) else url_for(".index", state="failed")
    if not RetryForm().validate_on_submit():
        flash("The form had expired; choose the messages again.", "error")
        return redirect(back)
    raw = request.form.getlist("ids")
    ids = [int(v) for v in raw if v.isascii() and v.isdigit() and len(v) < 10]
    try:
        if len(ids) != len(raw):
            raise ActionRefused("a chosen message is not a message number")
        chosen = queries.chosen_failed(ids)
        if not confirmed():
            return confirmation_page(
                title=f"Send {len(chosen)} failed message(s) again?",
                lead=f"{len(chosen)} message(s) that could not be sent are queued again, now.",
                consequences=[f"#{m.id} to {m.recipient}: {m.subject}" for m in chosen[:20]]
                + ([f"... and {len(chosen) - 20} more"] if len(chosen) > 20 else []),
                action=url_for(".retry_chosen"), back=back, button=f"send {len(chosen)} again")
        flash(f"{queries.retry_many(ids)} message(s) queued again.", "success")
    except ActionRefused as exc:
        flash(f"Nothing queued: {exc.message}", "error")
    return redirect(back)


@bp.route("/<int:message_id>")
@roles_required()
def show(message_id: int) -> ResponseReturnValue:
    """One message as it was (or will be) sent: headers, text, attachments."""
    return render_template("outbox/show.html", message=_message(message_id), retry_form=RetryForm())


@bp.route("/<int:message_id>/html")
@roles_required()
def html(message_id: int) -> ResponseReturnValue:
    """The HTML body alone, sandboxed (it is shown as the recipient's mail program would)."""
    message = _message(message_id)
    return Response(message.body_html, mimetype="text/html",
                    headers={"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'"})


@bp.route("/<int:message_id>/attachments/<int:attachment_id>")
@roles_required()
def attachment(message_id: int, attachment_id: int) -> ResponseReturnValue:
    """An attachment as stored (checked against its SHA-256)."""
    message = _message(message_id)
    found = next((a for a in message.attachments if a.id == attachment_id), None) or abort(404)
    if not found.stored:
        abort(404, description=f"{found.filename} is rendered when the message is sent")
    try:
        content = read_attachment(found.sha256)
    except blobs.BlobMissing as exc:
        abort(404, description=str(exc))
    return Response(content, mimetype=found.mimetype,
                    headers={"Content-Disposition": f"attachment; filename={found.filename}"})


@bp.route("/<int:message_id>/retry", methods=["POST"])
@roles_required()
def retry(message_id: int) -> ResponseReturnValue:
    """Queue a failed message again."""
    _message(message_id)
    if RetryForm().validate_on_submit():
        try:
            queries.retry(message_id)
            flash(f"Message #{message_id} queued again.", "success")
        except ActionRefused as exc:
            flash(exc.message[:1].upper() + exc.message[1:], "error")
    return redirect(url_for(".show", message_id=message_id))
