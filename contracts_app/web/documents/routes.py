"""SLA document templates and the filled-in agreement documents (PDF and HTML)."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from documents.catalogue import BLOCK_PLACEHOLDERS, INLINE_PLACEHOLDERS
from documents.html import render_html
from documents.versions import APPLIES_TO
from pricing.errors import ActionRefused, ImportRefused
from pricing.sla_year import SlaYear
from contracts_app.access import agreement_or_404, roles_required
from contracts_app.models import Agreement, SlaTemplate
from contracts_app.services import documents, template_levels
from contracts_app.services.imports import import_upload
from contracts_app.web.documents.forms import (
    ConfirmForm,
    CorrectionForm,
    ServiceLevelsForm,
    TemplateEditForm,
    TemplateImportForm,
)

bp = Blueprint("documents", __name__)
EDITORS = ("sla",)
READERS = ("sla", "finance", "school")


def _template(template_id: int) -> SlaTemplate:
    return documents.get_template(template_id) or abort(404)


def _agreement(agreement_id: int) -> Agreement:
    """The agreement, or 404 for a school user asking for another school's (or one never issued)."""
    return agreement_or_404(documents.get_agreement(agreement_id))


@bp.app_template_global("document_fallbacks")
def document_fallbacks(agreement: Agreement) -> list[str]:
    """What the agreement's document had to take from the council's configuration (agreement page)."""
    return list(documents.document_for(agreement).fallbacks)


def _flash_notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        flash(f"Note: {note}.", "info")


# -- templates -----------------------------------------------------------------------

@bp.route("/sla-templates/")
@roles_required(*EDITORS)
def templates() -> ResponseReturnValue:
    """Every template version, the current one marked, with how many agreements use each."""
    listing = documents.template_listing()
    return render_template("documents/templates.html", versions=listing.versions, current=listing.current,
                           usage=listing.usage, confirm=ConfirmForm())


@bp.route("/sla-templates/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_template() -> ResponseReturnValue:
    """Import a Markdown template as a new draft version; every problem is listed if it is refused."""
    form = TemplateImportForm()
    problems = None
    if form.validate_on_submit():
        result, problems = import_upload(form.file.data, partial(documents.import_template, by=current_user.email,
                                                                 applies=form.applies_to.data))
        if result is not None:
            flash(f"{result.template.name} imported as a draft. Check it, then publish it.", "success")
            _flash_notes(result.notes)
            return redirect(url_for(".template", template_id=result.template.id))
    status = 400 if problems or form.errors else 200
    return render_template("documents/import.html", form=form, problems=problems, inline=INLINE_PLACEHOLDERS,
                           blocks=BLOCK_PLACEHOLDERS), status


@bp.route("/sla-templates/new-version", methods=["POST"])
@roles_required(*EDITORS)
def new_template_version() -> ResponseReturnValue:
    """Start a draft copy of the current version."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    template = documents.new_version(current_user.email)
    flash(f"Draft {template.name} started from the current version: fill in its document control row.", "success")
    return redirect(url_for(".edit_template", template_id=template.id))


@bp.route("/sla-templates/<int:template_id>")
@roles_required(*EDITORS)
def template(template_id: int) -> ResponseReturnValue:
    """One version: its details, service desk targets, placeholders and contents."""
    record = _template(template_id)
    details = documents.template_details(record)
    return render_template("documents/template.html", record=record, parsed=details.parsed,
                           placeholders=details.placeholders, targets=details.targets,
                           applies_to_label=APPLIES_TO.get(record.applies_to, record.applies_to),
                           is_current=details.is_current, used=details.used, confirm=ConfirmForm())


@bp.route("/sla-templates/<int:template_id>/service-levels", methods=["GET", "POST"])
@roles_required(*EDITORS)
def template_service_levels(template_id: int) -> ResponseReturnValue:
    """See and correct the version's §6.2/§7.2/§11.1 figures and whose agreements it is issued on."""
    record = _template(template_id)
    levels = template_levels.levels_of(record)
    form = ServiceLevelsForm(data={**levels.values, "applies_to": levels.applies_to})
    refusal = None
    if form.validate_on_submit():
        try:
            template_levels.correct_levels(record, form.values(), form.applies_to.data, current_user.email)
            flash(f"{record.name}: service levels saved.", "success")
            return redirect(url_for(".template", template_id=record.id))
        except ActionRefused as exc:
            refusal = exc.message
    status = 400 if refusal or form.errors else 200
    return render_template("documents/service_levels.html", record=record, form=form, refusal=refusal,
                           correction=CorrectionForm()), status


@bp.route("/sla-templates/<int:template_id>/correct", methods=["POST"])
@roles_required(*EDITORS)
def correct_in_new_version(template_id: int) -> ResponseReturnValue:
    """A published version's levels are frozen: start a new version to correct them, saying why."""
    record = _template(template_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        draft = template_levels.start_correction(record, form.why.data, current_user.email)
    except ActionRefused as exc:
        flash(f"{exc.message}.", "error")
        return redirect(url_for(".template_service_levels", template_id=record.id))
    flash(f"Draft {draft.name} started from {record.name}: correct the service levels in its text's tables "
          "(§6.2, §7.2, §11.1), then publish it and re-issue the agreements that should move to it.", "success")
    return redirect(url_for(".edit_template", template_id=draft.id))


@bp.route("/sla-templates/<int:template_id>/preview")
@roles_required(*EDITORS)
def preview_template(template_id: int) -> ResponseReturnValue:
    """The version filled in for a made-up school."""
    record = _template(template_id)
    document = documents.preview(record)
    return render_template("documents/preview.html", record=record, document=document,
                           html=Markup(render_html(document)))


@bp.route("/sla-templates/<int:template_id>/markdown")
@roles_required(*EDITORS)
def template_markdown(template_id: int) -> ResponseReturnValue:
    """The version's Markdown, as a download."""
    record = _template(template_id)
    name = f"sla-template-v{record.version}.md"
    return Response(record.markdown, mimetype="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/sla-templates/<int:template_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_template(template_id: int) -> ResponseReturnValue:
    """Edit a draft's Markdown; a published version is frozen."""
    record = _template(template_id)
    frozen = documents.frozen_reason(record)
    if frozen:
        flash(f"{frozen}.", "error")
        return redirect(url_for(".template", template_id=record.id))
    form = TemplateEditForm(markdown=record.markdown)
    problems = None
    if form.validate_on_submit():
        try:
            result = documents.save_draft(record, form.markdown.data)
            flash(f"{record.name} saved.", "success")
            _flash_notes(result.notes)
            return redirect(url_for(".template", template_id=record.id))
        except ImportRefused as exc:
            problems = exc
    status = 400 if problems or form.errors else 200
    return render_template("documents/edit.html", form=form, record=record, problems=problems,
                           inline=INLINE_PLACEHOLDERS, blocks=BLOCK_PLACEHOLDERS), status


@bp.route("/sla-templates/<int:template_id>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish_template(template_id: int) -> ResponseReturnValue:
    """Publish a draft: agreements issued from now on are issued under it."""
    record = _template(template_id)
    if ConfirmForm().validate_on_submit():
        try:
            documents.publish(record, current_user.email)
            flash(f"{record.name} is published: agreements issued from now on are issued under it.", "success")
        except (ActionRefused, ImportRefused) as exc:
            flash(exc.message, "error")
    return redirect(url_for(".template", template_id=template_id))


@bp.route("/sla-templates/<int:template_id>/discard", methods=["POST"])
@roles_required(*EDITORS)
def discard_template(template_id: int) -> ResponseReturnValue:
    """Delete a draft nobody has used."""
    record = _template(template_id)
    if ConfirmForm().validate_on_submit():
        try:
            name = record.name
            documents.discard(record)
            flash(f"Draft {name} discarded.", "success")
            return redirect(url_for(".templates"))
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".template", template_id=template_id))


# -- an agreement's document ---------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/document")
@roles_required(*READERS)
def agreement_document(agreement_id: int) -> ResponseReturnValue:
    """The agreement's SLA document as a web page."""
    agreement = _agreement(agreement_id)
    document = documents.document_for(agreement)
    # render_html escapes every text itself, so its fragment goes into the page as it is.
    return render_template("documents/agreement.html", agreement=agreement, document=document,
                           html=Markup(render_html(document)), sla_year=SlaYear(agreement.sla_year))


@bp.route("/agreements/<int:agreement_id>/document.pdf")
@roles_required(*READERS)
def agreement_pdf(agreement_id: int) -> ResponseReturnValue:
    """The agreement's SLA document as a PDF download."""
    agreement = _agreement(agreement_id)
    try:
        data, name = documents.pdf_download(agreement)
    except ActionRefused as exc:  # the stored accepted PDF is missing or altered: say so, serve nothing else
        flash(exc.message, "error")
        return redirect(url_for("agreements.show", agreement_id=agreement.id))
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"attachment; filename={name}"})
