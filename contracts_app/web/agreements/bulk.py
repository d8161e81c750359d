"""Issuing the drafts chosen on the agreements list (issue #30), after a confirmation naming how many.
``routes.py`` registers the view on the agreements blueprint (SLA team), so there is no import circle."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused

from contracts_app.services.agreements.issuing import issue_chosen
from contracts_app.web.agreements.forms import ConfirmForm
from contracts_app.web.confirm import confirmation_page, confirmed


def _back() -> str:
    back = request.form.get("back", "")
    return back if back.startswith(url_for(".index")) else url_for(".index")


def _chosen() -> list[int]:
    raw = request.form.getlist("agreement_ids")
    if any(not (v.isascii() and v.isdigit() and len(v) < 10) for v in raw):
        abort(400, description="agreement_ids must be agreement numbers")
    return sorted({int(v) for v in raw})


def issue_chosen_drafts() -> ResponseReturnValue:
    """Issue the ticked drafts: each priced and fixed as on its own page; one that cannot be is listed."""
    back = _back()
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired; choose the drafts again.", "error")
        return redirect(back)
    chosen = _chosen()
    if not chosen:
        flash("Choose at least one draft agreement to issue.", "error")
        return redirect(back)
    if not confirmed():
        return confirmation_page(
            title=f"Issue the {len(chosen)} chosen draft(s)?",
            lead=f"Each of the {len(chosen)} draft agreement(s) is priced on the published list and issued: "
                 "its prices are fixed from then on, and its school is emailed.",
            consequences=["A draft that cannot be issued (no census figure, no published prices, already issued) "
                          "is listed with the reason and left as it is."],
            action=url_for(".issue_chosen_drafts"), back=back, button=f"issue {len(chosen)} draft(s)")
    try:
        report = issue_chosen(chosen, current_user.email)
    except ActionRefused as exc:
        flash(f"Nothing issued: {exc.message}", "error")
        return redirect(back)
    flash(f"Issued {len(report.issued_ids)} agreement(s).", "success")
    if report.refused_ids:
        flash(f"Not issued ({len(report.refused_ids)}): " + "; ".join(r for _, r in report.refused_ids[:20]) + ".",
              "warning")
    return redirect(back)
