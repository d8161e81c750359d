"""What the staff home page shows: the counts of schools, the SLA team's year at a glance and the
administrator's health checks (issue #30).

Each item is at most a query or two (counts and a latest row), never one per school or user; the
rules of what counts as done are rounds.year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from pricing.sla_year import LONDON, SlaYear
from rounds.year import Task, YearFacts, year_tasks

from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, Job, OutboxMessage, PriceList, School, User
from contracts_app.models.types import utcnow
from contracts_app.services import census as census_service
from contracts_app.services.jobs.core import KINDS
from contracts_app.services.outbox.sending import mail_configured
from contracts_app.services.register.changes import waiting_count
from contracts_app.services.rounds.opening import find_round
from contracts_app.services.rounds.queries import StateFigure, figures

USERS_SHOWN = 20  # per kind of problem; the users page lists them all


def schools_by_customer_type() -> dict[str, int]:
    """How many schools there are of each customer type (maintained, academy)."""
    return dict(db.session.execute(select(School.customer_type, func.count()).group_by(School.customer_type)).all())


# -- the SLA team's year ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearAtAGlance:
    year: SlaYear
    tasks: list[Task]
    census_label: str
    figures: list[StateFigure]  # the round's schools and annual value by state (empty: no round)


def preparing_year(today: date | None = None) -> int:
    """The SLA year the team works towards: next year, as the round page's default."""
    return SlaYear.containing(today or date.today()).start_year + 1


def _register_imported_on() -> date | None:
    # Every GIAS import (page, command or job) records this one audit event.
    at = db.session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.action == "import", AuditEvent.entity_type == "School", AuditEvent.entity_id == "-"))
    return at.astimezone(LONDON).date() if at else None


def _price_list(year: int) -> tuple[str | None, str]:
    """The year's list as the round sees it (published, else draft) and the census basis its
    prices use (the draft's, else the published one's, else January: census_used's rule)."""
    rows = dict(db.session.execute(select(PriceList.status, PriceList.census_basis).where(
        PriceList.sla_year == year, PriceList.status.in_(("draft", "published")))).all())
    status = "published" if "published" in rows else ("draft" if rows else None)
    return status, rows.get("draft") or rows.get("published") or "january"


def _census_missing(census) -> int:
    query = census_service.missing_query(census).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def _agreements(year: int):
    return db.session.execute(select(
        func.coalesce(func.sum(case((Agreement.status == "draft", 1), else_=0)), 0).label("drafts"),
        func.count(Agreement.issued_at).label("issued"),
        func.max(Agreement.issued_at).label("last_issued_at")).where(Agreement.sla_year == year)).one()


def _documents(year: int) -> tuple[datetime | None, bool]:
    """When the year's latest finished whole-year ZIP finished, and whether it failed (a ZIP of
    one group or trust is not the year's)."""
    latest = db.session.execute(
        select(Job.state, Job.finished_at)
        .where(Job.kind == "agreement_documents", Job.state.in_(("done", "failed")),
               Job.parameters["year"].as_integer() == year, Job.parameters["group_id"].as_integer().is_(None))
        .order_by(Job.created_at.desc(), Job.id.desc()).limit(1)).first()
    if latest is None:
        return None, False
    return (latest.finished_at, False) if latest.state == "done" else (None, True)


def year_at_a_glance(year: int | None = None, today: date | None = None) -> YearAtAGlance:
    """The SLA team's steps for the year (next year by default), each with its status."""
    today = today or date.today()
    year = year or preparing_year(today)
    label = SlaYear(year).label
    status, basis = _price_list(year)
    census = census_service.census_for(year, basis)
    buying_round = find_round(year)
    round_figures = figures(buying_round) if buying_round is not None else []
    agreements = _agreements(year)
    documents_at, documents_failed = _documents(year)
    facts = YearFacts(
        today=today, year_label=label, register_imported_on=_register_imported_on(), census_label=census.description,
        census_missing=_census_missing(census), price_list=status,
        round=buying_round.dates if buying_round is not None else None,
        offers=sum(f.schools for f in round_figures), drafts=int(agreements.drafts), issued=agreements.issued,
        last_issued_at=agreements.last_issued_at, documents_at=documents_at, documents_failed=documents_failed,
        register_changes=waiting_count())
    return YearAtAGlance(SlaYear(year), year_tasks(facts), census.description, round_figures)


# -- the administrator's checks --------------------------------------------------------------


@dataclass(frozen=True)
class OutboxHealth:
    unsent: int
    failed: int
    oldest_waiting_at: datetime | None
    oldest_age: timedelta | None
    mail_configured: bool

    @property
    def oldest_age_text(self) -> str:
        """How long the oldest unsent message has waited, in the largest whole unit."""
        if self.oldest_age is None:
            return ""
        minutes = max(0, int(self.oldest_age.total_seconds() // 60))
        for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
            if minutes >= size or size == 1:
                n = minutes // size
                return f"{n} {unit}{'' if n == 1 else 's'}"
        return ""


@dataclass(frozen=True)
class FailedJobs:
    count: int
    latest: Job | None

    @property
    def latest_title(self) -> str:
        kind = KINDS.get(self.latest.kind) if self.latest is not None else None
        return kind.title if kind is not None else (self.latest.kind if self.latest is not None else "")


@dataclass(frozen=True)
class UserProblems:
    """Users who cannot do their role's work, by why (each list the first USERS_SHOWN, by email)."""

    school_without_schools: list[User]  # school users linked to no school, group or trust: they see nothing
    never_signed_in: list[User]  # active users who have never signed in
    inactive: list[User]  # users switched off (they cannot sign in)
    counts: dict[str, int]


@dataclass(frozen=True)
class AdminHealth:
    outbox: OutboxHealth
    jobs: FailedJobs
    users: UserProblems


def outbox_health(now: datetime | None = None) -> OutboxHealth:
    """Messages waiting and failed, and how long the oldest waiting one has waited."""
    now = now or utcnow()
    rows = {r.state: r for r in db.session.execute(
        select(OutboxMessage.state, func.count().label("n"), func.min(OutboxMessage.created_at).label("oldest"))
        .where(OutboxMessage.state.in_(("queued", "failed"))).group_by(OutboxMessage.state))}
    queued = rows.get("queued")
    oldest = queued.oldest if queued else None  # min() keeps the column's type: an aware datetime
    return OutboxHealth(queued.n if queued else 0, rows["failed"].n if "failed" in rows else 0, oldest,
                        now - oldest if oldest else None, mail_configured())


def failed_jobs() -> FailedJobs:
    """How many jobs are left failed, and the latest of them, in one query."""
    other = aliased(Job)
    total = select(func.count()).select_from(other).where(other.state == "failed").scalar_subquery()
    row = db.session.execute(select(Job, total).where(Job.state == "failed")
                             .order_by(Job.created_at.desc(), Job.id.desc()).limit(1)).first()
    return FailedJobs(row[1], row[0]) if row else FailedJobs(0, None)


def user_problems() -> UserProblems:
    """Users without a role's work, in one query over the few that match (see UserProblems)."""
    unlinked = and_(User.role == "school", User.school_id.is_(None), User.group_id.is_(None),
                    User.trust_id.is_(None))
    never = and_(User.active.is_(True), User.last_login_at.is_(None))
    kind = case((User.active.is_(False), "inactive"), (unlinked, "unlinked"), else_="never")
    numbered = func.row_number().over(partition_by=kind, order_by=(User.email, User.id))
    inner = (select(User.id, kind.label("kind"), numbered.label("n"), func.count().over(partition_by=kind)
                    .label("total")).where(or_(User.active.is_(False), unlinked, never)).subquery())
    rows = db.session.execute(select(User, inner.c.kind, inner.c.total).join(inner, inner.c.id == User.id)
                              .where(inner.c.n <= USERS_SHOWN).order_by(User.email, User.id)).all()
    lists: dict[str, list[User]] = {"unlinked": [], "never": [], "inactive": []}
    counts = {"unlinked": 0, "never": 0, "inactive": 0}
    for user, which, total in rows:
        lists[which].append(user)
        counts[which] = total
    return UserProblems(lists["unlinked"], lists["never"], lists["inactive"], counts)


def admin_health(now: datetime | None = None) -> AdminHealth:
    """What the administrator watches: the outbox, failed jobs and users who cannot work."""
    return AdminHealth(outbox_health(now), failed_jobs(), user_problems())
