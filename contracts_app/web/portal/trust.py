"""A trust user's round page (issue #29): each academy's offer - its own census, basket and total -
with the trust's total, and a trust signatory accepting all of them, or those ticked, in one step
(one acceptance per academy, all or nothing: ``services.rounds.trust``)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.access import roles_required
from contracts_app.models.round import OFFER_STATE_NAMES
from contracts_app.services.rounds import acceptance as accepting, trust as trust_round
from contracts_app.web.portal.blueprint import bp
from contracts_app.web.portal.forms import TrustAcceptForm

NO_TRUST = "The trust page is for users of a trust; your account is for one school: its offer is on My school."


def _page(form: TrustAcceptForm | None = None, status: int = 200) -> ResponseReturnValue:
    trust = current_user.trust
    allowed, why_not = trust_round.may_accept(trust, current_user)
    rounds = trust_round.trust_rounds(trust)
    chosen = set(request.form.getlist("offer", type=int)) if form is not None else None
    return render_template("portal/trust.html", trust=trust, rounds=rounds, form=form or TrustAcceptForm(),
                           may_accept=allowed, why_not=why_not, chosen=chosen, state_names=OFFER_STATE_NAMES,
                           label=SlaYear), status


@bp.route("/trust")
@roles_required("school")
def trust() -> ResponseReturnValue:
    """The trust's academies' offers of the open round, each priced on its own census, and the total."""
    if current_user.trust is None:
        flash(NO_TRUST, "warning")
        return redirect(url_for(".home"))
    return _page()


def _chosen(form: TrustAcceptForm) -> list[int]:
    if form.accept_all.data:
        return [row.offer.id for r in trust_round.trust_rounds(current_user.trust) for row in r.offers]
    return request.form.getlist("offer", type=int)


def _done_text(made: list[trust_round.TrustAcceptance]) -> str:
    new = [m for m in made if m.created]
    if not new:
        return "These offers were accepted already with these baskets: nothing new was made."
    again = f" ({len(made) - len(new)} accepted already)" if len(made) > len(new) else ""
    return (f"Accepted {len(new)} offer{'' if len(new) == 1 else 's'}{again}: " +
            "; ".join(f"{m.acceptance.offer.party_name}: {m.acceptance.agreement.name}, accepted document SHA-256 "
                      f"{m.acceptance.document_sha256}" for m in new) + ".")


@bp.route("/trust/accept", methods=["POST"])
@roles_required("school")
def trust_accept() -> ResponseReturnValue:
    """Accept the ticked offers (or every one) for the trust: name, job title, "I am authorised"."""
    if current_user.trust is None:
        flash(NO_TRUST, "warning")
        return redirect(url_for(".home"))
    form = TrustAcceptForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    ask = accepting.AcceptanceRequest(form.full_name.data, form.job_title.data, form.authorised.data, None,
                                      request.remote_addr or "", request.headers.get("User-Agent", ""))
    try:
        made = trust_round.accept_for_trust(current_user.trust, _chosen(form), current_user, ask)
    except accepting.NotSignatory as exc:
        flash(exc.message, "error")
        return _page(form, 403)
    except ActionRefused as exc:
        flash(f"Nothing was accepted: {exc.message}", "error")
        return _page(form, 409)
    flash(_done_text(made), "success")
    return redirect(url_for(".trust"))
