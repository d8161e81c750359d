"""SLA document templates and the filled-in agreement documents (PDF and HTML)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from pricing.sla_year import SlaYear
from servicedesk import target_table_from_dict

from contracts_app.access import agreement_or_404, roles_required
from contracts_app.extensions import db
from contracts_app.models import Agreement, SlaTemplate
from contracts_app.services import documents as sla_documents
from pricing.errors import ActionRefused, ImportRefused
from contracts_app.web.documents.forms import ConfirmForm, TemplateEditForm, TemplateImportForm
from documents.html import render_html
from documents.pdf import render_pdf
from documents.template import BLOCK_PLACEHOLDERS, INLINE_PLACEHOLDERS, placeholders_in

bp = Blueprint("documents", __name__)
EDITORS = ("sla",)
READERS = ("sla", "finance", "school")
_MAX_ID = 2**31 - 1  # larger ids overflow PostgreSQL's integer: they are simply not found


def _template(template_id: int) -> SlaTemplate:
    template = db.session.get(SlaTemplate, template_id) if template_id <= _MAX_ID else None
    return template or abort(404)


def _agreement(agreement_id: int) -> Agreement:
    """The agreement, or 404 for a school user asking for another school's (or one never issued)."""
    return agreement_or_404(db.session.get(Agreement, agreement_id) if agreement_id <= _MAX_ID else None)


@bp.app_template_global("document_fallbacks")
def document_fallbacks(agreement: Agreement) -> list[str]:
    """What the agreement's document had to take from the council's configuration (agreement page)."""
    return list(sla_documents.document_for(agreement).fallbacks)


def _flash_notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        flash(f"Note: {note}.", "info")


# -- templates -----------------------------------------------------------------------

@bp.route("/sla-templates/")
@roles_required(*EDITORS)
def templates():
    current = sla_documents.ensure_default()
    return render_template("documents/templates.html", versions=sla_documents.versions(), current=current,
                           usage=sla_documents.usage(), confirm=ConfirmForm())


@bp.route("/sla-templates/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_template():
    form = TemplateImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = sla_documents.import_template(upload.read(), upload.filename or "upload", current_user.email)
        except ImportRefused as exc:
            db.session.rollback()
            return render_template("documents/import.html", form=form, problems=exc, inline=INLINE_PLACEHOLDERS,
                                   blocks=BLOCK_PLACEHOLDERS), 400
        flash(f"{result.template.name} imported as a draft. Check it, then publish it.", "success")
        _flash_notes(result.notes)
        return redirect(url_for(".template", template_id=result.template.id))
    status = 400 if form.errors else 200
    return render_template("documents/import.html", form=form, problems=None, inline=INLINE_PLACEHOLDERS,
                           blocks=BLOCK_PLACEHOLDERS), status


@bp.route("/sla-templates/new-version", methods=["POST"])
@roles_required(*EDITORS)
def new_template_version():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    template = sla_documents.new_version(current_user.email)
    flash(f"Draft {template.name} started from the current version: fill in its document control row.", "success")
    return redirect(url_for(".edit_template", template_id=template.id))


@bp.route("/sla-templates/<int:template_id>")
@roles_required(*EDITORS)
def template(template_id: int):
    record = _template(template_id)
    parsed = sla_documents.parsed(record)
    targets = None
    if record.targets:
        try:
            targets = target_table_from_dict(record.targets)
        except ValueError:
            targets = None  # shown as "not recorded"; the reports read the JSON themselves
    current = sla_documents.current()
    return render_template("documents/template.html", record=record, parsed=parsed,
                           placeholders=placeholders_in(parsed), targets=targets,
                           is_current=current is not None and current.id == record.id,
                           used=sla_documents.usage().get(record.id, 0), confirm=ConfirmForm())


@bp.route("/sla-templates/<int:template_id>/preview")
@roles_required(*EDITORS)
def preview_template(template_id: int):
    record = _template(template_id)
    document = sla_documents.preview(record)
    return render_template("documents/preview.html", record=record, document=document,
                           html=Markup(render_html(document)))


@bp.route("/sla-templates/<int:template_id>/markdown")
@roles_required(*EDITORS)
def template_markdown(template_id: int):
    record = _template(template_id)
    name = f"sla-template-v{record.version}.md"
    return Response(record.markdown, mimetype="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/sla-templates/<int:template_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_template(template_id: int):
    record = _template(template_id)
    if record.status != "draft":
        flash(f"{record.name} is published and frozen: start a new version to change it.", "error")
        return redirect(url_for(".template", template_id=record.id))
    form = TemplateEditForm(markdown=record.markdown)
    problems = None
    if form.validate_on_submit():
        try:
            result = sla_documents.save_draft(record, form.markdown.data)
            flash(f"{record.name} saved.", "success")
            _flash_notes(result.notes)
            return redirect(url_for(".template", template_id=record.id))
        except ImportRefused as exc:
            db.session.rollback()
            problems = exc
    status = 400 if problems or form.errors else 200
    return render_template("documents/edit.html", form=form, record=record, problems=problems,
                           inline=INLINE_PLACEHOLDERS, blocks=BLOCK_PLACEHOLDERS), status


@bp.route("/sla-templates/<int:template_id>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish_template(template_id: int):
    record = _template(template_id)
    if ConfirmForm().validate_on_submit():
        try:
            sla_documents.publish(record, current_user.email)
            flash(f"{record.name} is published: agreements issued from now on are issued under it.", "success")
        except (ActionRefused, ImportRefused) as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".template", template_id=template_id))


@bp.route("/sla-templates/<int:template_id>/discard", methods=["POST"])
@roles_required(*EDITORS)
def discard_template(template_id: int):
    record = _template(template_id)
    if ConfirmForm().validate_on_submit():
        try:
            name = record.name
            sla_documents.discard(record)
            flash(f"Draft {name} discarded.", "success")
            return redirect(url_for(".templates"))
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".template", template_id=template_id))


# -- an agreement's document ---------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/document")
@roles_required(*READERS)
def agreement_document(agreement_id: int):
    agreement = _agreement(agreement_id)
    document = sla_documents.document_for(agreement)
    db.session.commit()  # the default template, if this was the first document anyone needed
    # render_html escapes every text itself, so its fragment goes into the page as it is.
    return render_template("documents/agreement.html", agreement=agreement, document=document,
                           html=Markup(render_html(document)), sla_year=SlaYear(agreement.sla_year))


@bp.route("/agreements/<int:agreement_id>/document.pdf")
@roles_required(*READERS)
def agreement_pdf(agreement_id: int):
    agreement = _agreement(agreement_id)
    data = render_pdf(sla_documents.document_for(agreement))
    db.session.commit()
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={sla_documents.file_name(agreement)}"})
