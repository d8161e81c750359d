"""Re-issuing an agreement under the newest SLA template version (issue #31): load -> the rule
(``agreements.reissue``) -> save, audited, in one transaction.

The agreement's document is rendered from the version recorded on it (``documents.document_for``)
and the service desk report measures its school's tickets against that version's levels
(``servicedesk.coverage``), so recording the new version is what regenerates both. Prices,
services and term are left exactly as issued.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agreements.reissue import ReissueFacts, reissue_refusal
from documents.service_levels import LEVEL_FIELDS, level_values
from pricing.errors import ActionRefused
from pricing.sla_year import LONDON
from servicedesk import SLA_2022_23
from contracts_app.extensions import db
from contracts_app.models import Agreement, SlaTemplate
from contracts_app.services import audit, documents, events
from contracts_app.services.rounds import records
from contracts_app.services.template_levels import levels_of
from contracts_app.services.transactions import refusal_rolls_back

__all__ = ["ReissuePlan", "plan_reissue", "reissue_agreement", "reissue_target"]


@dataclass(frozen=True)
class ReissuePlan:
    """What re-issuing will do: the version the agreement leaves, the one it moves to, and each
    service level that differs between them, worded as the SLA words it."""

    agreement: Agreement
    old: SlaTemplate | None
    new: SlaTemplate
    changes: tuple[str, ...]

    @property
    def old_name(self) -> str:
        """The version left, or what the document used when none was recorded."""
        return f"v{self.old.version}" if self.old is not None else "no recorded version"


def _newest(agreement: Agreement) -> SlaTemplate:
    newest = documents.current(agreement.customer_type)
    if newest is None:
        raise ActionRefused(f"{agreement.name}: no published SLA template version applies to "
                            f"{agreement.customer_type} schools: publish one first")
    return newest


def _order(template: SlaTemplate) -> tuple:
    # The order documents.current() chooses the newest by.
    return (template.published_at is not None, template.published_at, template.id)


def _facts(agreement: Agreement, newest: SlaTemplate) -> ReissueFacts:
    own = agreement.template if agreement.status != "draft" else None
    signed = records.signed_acceptance(agreement)
    return ReissueFacts(
        name=agreement.name, status=agreement.status, term_end=agreement.term_end,
        version=own.version if own is not None else None, newest=newest.version,
        on_newest=own is not None and (own.id == newest.id or _order(own) > _order(newest)),
        accepted_on=signed.accepted_at.astimezone(LONDON).date() if signed is not None else None)


def _level_changes(old: SlaTemplate | None, new: SlaTemplate) -> tuple[str, ...]:
    # No recorded version: the report measured its tickets against SLA 2022/23 (servicedesk.coverage).
    before = levels_of(old).values if old is not None else level_values(SLA_2022_23)
    after = levels_of(new).values
    return tuple(f"{LEVEL_FIELDS[key]}: {before.get(key) or '—'} → {after[key] or '—'}"
                 for key in after if before.get(key) != after[key])


def plan_reissue(agreement: Agreement, today: date | None = None) -> ReissuePlan:
    """What re-issuing *agreement* would do; refused (ActionRefused) when it cannot be re-issued."""
    newest = _newest(agreement)
    refusal = reissue_refusal(_facts(agreement, newest), today or date.today())
    if refusal:
        raise ActionRefused(refusal)
    old = agreement.template
    return ReissuePlan(agreement, old, newest, _level_changes(old, newest))


def reissue_target(agreement: Agreement, today: date | None = None) -> SlaTemplate | None:
    """The version the agreement's page offers to re-issue it under, or None when it cannot be."""
    try:
        return plan_reissue(agreement, today).new
    except ActionRefused:
        return None


@refusal_rolls_back
def reissue_agreement(agreement: Agreement, by: str, today: date | None = None) -> ReissuePlan:
    """Re-issue *agreement* under the newest published version for its customer type: its
    document is regenerated with that version's text and service levels, and the report
    measures its tickets against them from now on. Audited; refused with the reason when the
    agreement cannot be re-issued (a draft, ended or cancelled, already on the newest version,
    or made from a school's signed acceptance). Its agreement contacts get the new document by email."""
    plan = plan_reissue(agreement, today)
    agreement.template = plan.new
    documents.document_for(agreement)  # the new version fills in for this agreement before anything is saved
    db.session.flush()
    changed = "; ".join(plan.changes) or "service levels unchanged"
    audit.record("reissue", "Agreement", agreement.id,
                 f"{agreement.name} re-issued under SLA template v{plan.new.version} (was {plan.old_name}) by "
                 f"{by}: {changed}",
                 {"template": [plan.old.version if plan.old is not None else None, plan.new.version]})
    # The school is told, with the re-issued document, in the same transaction (nothing owed goes unsent).
    events.emit("agreement.reissued", agreement=agreement, version=str(plan.new.version), was=plan.old_name,
                changes=plan.changes)
    db.session.commit()
    return plan
