"""The Done-when from GIAS's own files (issue #28): the extract and the links file imported, the
change applied, then the same files imported again - nothing changes more, and the list shows
the one change as applied."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, Invoice, RegisterChange, School
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.register.applying import apply_change
from contracts_app.services.register.changes import list_changes
from contracts_app.services.register.links import import_links
from contracts_app.services.schools import import_schools
from tests.register import world

HEADER = ("URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),EstablishmentStatus (name),"
          "OpenDate,ReasonEstablishmentOpened (name),CloseDate,ReasonEstablishmentClosed (name)\r\n")
OPEN = "990003,Vale Primary School,Community school,141,Coventry,Open,01-09-1975,Not applicable,,Not applicable\r\n"
CLOSING = ("990003,Vale Primary School,Community school,141,Coventry,Closed,01-09-1975,Not applicable,30-11-2026,"
           "Academy converter\r\n")
ACADEMY = "150003,Vale Academy,Academy converter,141,Coventry,Open,01-12-2026,Academy Converter,,Not applicable\r\n"
LINKS = ('"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\r\n'
         '990003,150003,"Vale Academy","Successor","01-12-2026"\r\n'
         '150003,990003,"Vale Primary School","Predecessor","01-12-2026"\r\n')


def _state() -> tuple[int, ...]:
    """Invoices, agreements and changes, and the audit rows of money and agreements (the imports
    audit themselves: that is expected)."""
    audited = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type.in_(("Agreement", "AgreementLine", "Invoice", "RegisterChange", "KeyStakeholder")))
    return (*(db.session.scalar(select(func.count()).select_from(m)) for m in (Invoice, Agreement, RegisterChange)),
            db.session.scalar(audited))


def test_imported_conversion_applied_once_and_the_files_again_change_nothing(app):
    world.priced_year()
    import_schools((HEADER + OPEN).encode(), "open.csv")
    vale = db.session.scalar(select(School).where(School.urn == 990003))
    agreement = world.agreement_for(vale)
    invoice_run.run(2026, "summer", date(2026, 4, 10), "finance@test")
    assert list_changes(1, 20).total == 0

    import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    import_links(LINKS.encode(), "links.csv")
    (pending,) = list_changes(1, 20).items
    assert (pending.id, pending.state, pending.implied.kind, pending.implied.end_date) == (
        agreement.id, "pending", "conversion", date(2026, 11, 30))
    assert apply_change(agreement.id, "sla@test", po_number="PO-V", credit_date=date(2026, 12, 7)).changed

    before = _state()
    import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    import_links(LINKS.encode(), "links.csv")
    assert not apply_change(agreement.id, "sla@test", credit_date=date(2026, 12, 7)).changed
    listed = list_changes(1, 20)
    assert [(v.id, v.state) for v in listed.items] == [(agreement.id, "applied")]
    assert _state() == before
    assert db.session.get(Agreement, agreement.id).status == "ended"
