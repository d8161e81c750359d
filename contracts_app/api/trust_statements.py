"""GET /trusts/{code}/statement (issue #29): the trust's statement of account - its balance, and per
academy its balance and lines - from the one service the page, PDF and command use. Staff who read
statements see every trust's; a trust user its own; anyone else (another trust's user, a user of
one school) gets 404."""
from __future__ import annotations

from flask_login import current_user

from invoices.statement import Statement, TrustStatement

from contracts_app.api.auth import allow, school_user
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import not_found
from contracts_app.api.schemas.trust_statements import TrustStatementArgs, TrustStatementSchema
from contracts_app.services.invoicing import statements
from contracts_app.services.register import trusts as trusts_service

TAGS = ["Trusts"]


def _lines(s: Statement) -> list[dict]:
    return [{"date": e.item.on, "kind": e.item.kind, "reference": e.item.reference,
             "invoice_number": e.item.invoice_number, "debit": e.debit, "credit": e.credit, "balance": e.balance}
            for e in s.entries]


def statement_dict(statement: TrustStatement) -> dict:
    """The trust's statement as the API answers it."""
    own = statement.consolidated
    return {"code": statement.code, "name": statement.trust_name, "as_of": statement.as_of,
            "balance": statement.balance, "overdue": statement.overdue, "overdue_count": statement.overdue_count,
            "ageing": statement.ageing,
            "academies": [{"urn": s.urn, "name": s.school_name, "balance": s.balance, "overdue": s.overdue,
                           "lines": _lines(s)} for s in statement.academies],
            "consolidated": None if own is None else {"balance": own.balance, "overdue": own.overdue,
                                                      "lines": _lines(own)}}


@bp.route("/trusts/<string(maxlength=20):code>/statement", tags=TAGS)
@allow("finance", "sla", "school")
@bp.arguments(TrustStatementArgs, location="query")
@bp.response(200, TrustStatementSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_trust_statement(args: dict, code: str) -> dict:
    """A trust's statement of account

    Every academy's invoices, credit notes, payments and balance on the trust's account, with the
    trust's totals: its balance is the sum of its academies' and of its consolidated invoices' (the
    trust's own account, ``consolidated``) to the penny. An invoice is the
    trust's when its academy was a member on the invoice's date; its credits and payments go with
    it, so an academy that moved keeps its past invoices in its old trust's statement. Another
    trust is 404 to a trust user.
    """
    trust = trusts_service.by_code(code)
    if trust is None or (school_user() and current_user.trust_id != trust.id):
        raise not_found(f"no trust with code {code}")
    return statement_dict(statements.trust_statement(trust, args.get("as_of")))
