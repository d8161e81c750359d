"""The trust's statement of account (issue #29): page and PDF, for staff who read statements and for
the trust's own users in the portal; anyone else - a school user of one school, a user of another
trust - gets 404. Nested in the trusts blueprint (trusts.statement.*) by web/trusts/routes.py."""
from __future__ import annotations


from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.access import roles_required
from contracts_app.models import Trust
from contracts_app.services.invoicing import statements
from contracts_app.services.register import trusts as trusts_service
from contracts_app.web.schools.routes import _as_of  # the statement's ?as_of=, one parser for both statements

bp = Blueprint("statement", __name__)


def _trust(code: str) -> Trust:
    """The trust, or 404: to a school user every trust but its own is not found."""
    trust = trusts_service.by_code(code)
    if trust is None or (current_user.role == "school" and current_user.trust_id != trust.id):
        abort(404)
    return trust


@bp.route("/<trust_code>/statement")
@roles_required("finance", "sla", "school")
def show(trust_code: str) -> ResponseReturnValue:
    """The trust's statement: each academy's invoices, credits, payments and balance, the trust's totals."""
    trust = _trust(trust_code)
    as_of = _as_of()
    # Every invoice listed is one the trust's users may read (belonging.invoice_seen_by_trust): all are links.
    return render_template("trusts/statement.html", trust=trust, statement=statements.trust_statement(trust, as_of))


@bp.route("/<trust_code>/statement.pdf")
@roles_required("finance", "sla", "school")
def pdf(trust_code: str) -> ResponseReturnValue:
    """The trust's statement of account as a PDF, to send to the trust's finance contacts."""
    trust = _trust(trust_code)
    as_of = _as_of()
    return Response(statements.trust_statement_pdf(trust, as_of), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=statement-trust-{trust.code}-{as_of.isoformat()}.pdf"})
