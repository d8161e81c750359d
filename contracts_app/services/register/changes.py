"""The register changes GIAS implies for schools with an agreement (issue #28): which agreements
a closed school's change ends, listed a page at a time, each with its consequences worked out
before anything happens (services.register.consequences). The rules are register.changes.

A change is named by the id of the predecessor's agreement it ends: an issued agreement
(active or under notice) of a school GIAS closes, whose term runs past the close date. Once
applied it is kept as a RegisterChange row and listed as applied.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from register.changes import CONVERSION, Establishment, ImpliedChange, implied_change

from contracts_app.extensions import db
from contracts_app.models import Agreement, RegisterChange, School, SchoolLink
from contracts_app.services.bounds import MAX_INT
from contracts_app.services.imports import chunked
from contracts_app.services.queries import Page

LIVE = ("active", "notice_given")


@dataclass
class InvoiceCredit:
    """The credit note one of the predecessor's invoices gets: net per invoice line, and gross."""

    invoice_id: int
    number: str
    term: str | None
    invoiced: Decimal
    amounts: dict[int, Decimal]
    gross: Decimal = Decimal("0.00")

    @property
    def net(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))


@dataclass
class SuccessorPlan:
    """The successor's agreement as the change would make it (issued for a conversion, a draft
    otherwise), or why none is made (``note``)."""

    urn: int
    name: str
    customer_type: str = ""
    term_start: date | None = None
    term_end: date | None = None
    issued: bool = False
    carried: list = field(default_factory=list)        # register.successor.CarriedLine
    lines: list = field(default_factory=list)          # pricing.check.PricedLine (issued only)
    starts: dict[str, date] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    annual_total: Decimal | None = None
    term_total: Decimal | None = None
    periods: list = field(default_factory=list)         # invoices.schedule.BillingPeriod
    census_label: str | None = None
    pupils: int | None = None
    pupils_from: int | None = None                      # a predecessor's URN when its figure prices it
    note: str = ""


@dataclass
class ChangeView:
    """One register change with what applying it would do (or, once applied, what it did)."""

    id: int
    implied: ImpliedChange
    school: School
    agreement: Agreement
    applied: RegisterChange | None = None
    successors: list[SuccessorPlan] = field(default_factory=list)
    credits: list[InvoiceCredit] = field(default_factory=list)
    credit_kept_owed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.applied is not None:
            return "applied"
        return "upcoming" if self.implied.upcoming else "pending"

    @property
    def credited_total(self) -> Decimal:
        return sum((c.gross for c in self.credits), Decimal("0.00"))

    @property
    def reason(self) -> str:
        """Why the predecessor's agreement ends, as its status says it."""
        if self.implied.kind == CONVERSION:
            return f"converted to academy URN {self.implied.successors[0]}"
        if self.implied.successors:
            urns = ", ".join(str(u) for u in self.implied.successors)
            return f"{self.implied.kind_name.lower()}: succeeded by URN {urns}"
        return "school closed without a successor"


def establishment(school: School) -> Establishment:
    """A register school as register.changes reads it."""
    return Establishment(school.urn, school.name, school.status, school.establishment_type, school.opened_on,
                         school.closed_on, school.close_reason)


def links_touching(urns: Iterable[int]) -> list[tuple[int, int, str]]:
    """Every stored GIAS link naming any of these URNs at either end, in chunks (no parameter per row)."""
    found: dict[int, tuple[int, int, str]] = {}
    for chunk in chunked(sorted(set(urns))):
        rows = db.session.execute(select(SchoolLink.id, SchoolLink.urn, SchoolLink.link_urn, SchoolLink.link_type)
                                  .where(or_(SchoolLink.urn.in_(chunk), SchoolLink.link_urn.in_(chunk))))
        for row in rows:
            found[row.id] = (row.urn, row.link_urn, row.link_type)
    return list(found.values())


def schools_by_urn(urns: Iterable[int]) -> dict[int, School]:
    found: dict[int, School] = {}
    for chunk in chunked(sorted(set(urns))):
        found.update({s.urn: s for s in db.session.scalars(select(School).where(School.urn.in_(chunk)))})
    return found


def _pending_query():
    """Issued agreements of closed (or closing) schools whose term runs past the close date."""
    applied = select(RegisterChange.agreement_id)
    # The few closed schools first (a narrow scan), then their agreements by the school_id index.
    closed = select(School.id).where(School.closed_on.is_not(None))
    return (select(Agreement.id).join(School, Agreement.school_id == School.id)
            .where(Agreement.school_id.in_(closed), Agreement.status.in_(LIVE), Agreement.issued_at.is_not(None),
                   Agreement.term_start <= School.closed_on, Agreement.term_end > School.closed_on,
                   Agreement.id.not_in(applied))
            .order_by(School.closed_on, School.urn, Agreement.id))


def _implied(views: list[tuple[int, Agreement, School, RegisterChange | None]]) -> list[ChangeView]:
    """Each agreement's change as GIAS implies it, with the links and successors loaded in bulk."""
    links = links_touching(school.urn for _, _, school, _ in views)
    successor_urns = {u for a, b, _ in links for u in (a, b)}
    links = set(links + links_touching(successor_urns)) if successor_urns else set(links)
    by_urn: dict[int, set] = {}
    for link in links:  # each school's own links, so a page reads only its schools' links
        by_urn.setdefault(link[0], set()).add(link)
        by_urn.setdefault(link[1], set()).add(link)
    register = {urn: establishment(s) for urn, s in schools_by_urn(successor_urns).items()}
    out = []
    for change_id, agreement, school, applied in views:
        register[school.urn] = establishment(school)
        own = by_urn.get(school.urn, set())
        near = own.union(*(by_urn.get(u, set()) for link in own for u in link[:2]))
        implied = implied_change(establishment(school), sorted(near), register)
        if implied is None and applied is not None:  # GIAS since re-opened it: the record still stands
            implied = ImpliedChange(applied.kind, school.urn, _urns(applied.successor_urns), applied.end_date, False)
        if implied is not None:
            out.append(ChangeView(change_id, implied, school, agreement, applied))
    return out


def _urns(text: str) -> tuple[int, ...]:
    return tuple(int(u) for u in text.split(",") if u)


def _load(ids: list[int]) -> list[ChangeView]:
    if not ids:
        return []
    rows = db.session.execute(select(Agreement, School).join(School, Agreement.school_id == School.id)
                              .where(Agreement.id.in_(ids))).all()
    applied = {r.agreement_id: r for r in db.session.scalars(
        select(RegisterChange).where(RegisterChange.agreement_id.in_(ids)))}
    by_id = {a.id: (a.id, a, s, applied.get(a.id)) for a, s in rows}
    return _implied([by_id[i] for i in ids if i in by_id])


def list_changes(page: int, per_page: int) -> Page:
    """Pending and upcoming changes (by close date), then applied ones (latest first), a page of
    ChangeViews; consequences are for the caller to add (consequences.work_out)."""
    pending = list(db.session.scalars(_pending_query()))
    applied = list(db.session.scalars(select(RegisterChange.agreement_id).order_by(RegisterChange.applied_at.desc(),
                                                                                   RegisterChange.id.desc())))
    ids = pending + applied
    page = max(1, min(page, max(1, -(-len(ids) // per_page))))
    return Page(_load(ids[(page - 1) * per_page:page * per_page]), len(ids), page, per_page)


def applicable_ids() -> list[int]:
    """The pending changes of schools GIAS has closed (not those only proposed to close)."""
    return list(db.session.scalars(_pending_query().where(School.status.ilike("closed%"))))


def waiting_count() -> int:
    """How many changes wait for the SLA team's confirmation (those applicable_ids lists), in one count."""
    query = _pending_query().where(School.status.ilike("closed%")).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def find_change(change_id: int) -> ChangeView | None:
    """The change named by its predecessor agreement's id, or None when there is none."""
    if not 0 < change_id <= MAX_INT:
        return None
    views = _load([change_id])
    if not views:
        return None
    view = views[0]
    if view.applied is None and not db.session.scalar(_pending_query().where(Agreement.id == change_id)):
        return None
    return view
