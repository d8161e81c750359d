"""A template version's service levels (§6.2, §7.2, §11.1) and whose agreements it applies to,
as the SLA team sees and corrects them: load -> documents.service_levels (pure) -> save, audited.

Import reads the levels from the version's own tables (``documents.import_template``);
a draft's are corrected here when the reading got them wrong. A published version's levels
are printed in its agreements' documents and its tickets are measured against them, so they
are frozen with its text (issue #31): a correction makes a new version, whose document
control row says why (``start_correction``). Who a published version applies to may change.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, inspect, select

from documents.service_levels import LEVEL_FIELDS, corrected_levels, level_values
from documents.versions import APPLIES_TO, applies_to
from pricing.errors import ActionRefused
from servicedesk import SLA_2022_23, target_table_from_dict
from servicedesk.targets import TargetTable
from contracts_app.extensions import db
from contracts_app.models import SlaTemplate
from contracts_app.services import audit, documents
from contracts_app.services.transactions import refusal_rolls_back

__all__ = ["APPLIES_TO", "LEVEL_FIELDS", "LevelsForm", "levels_of", "correct_levels", "frozen_levels",
           "start_correction"]

#: What a published version may not change: what its documents print and its tickets are measured by.
FROZEN = ("version", "title", "released_on", "change_notice", "pages_affected", "remarks", "markdown", "targets")


@dataclass(frozen=True)
class LevelsForm:
    """What the correction form starts from: each figure as the SLA words it, and the applies-to."""

    values: dict[str, str]
    applies_to: str


def _table(template: SlaTemplate) -> TargetTable | None:
    try:
        return target_table_from_dict(template.targets) if template.targets else None
    except (ValueError, TypeError):
        return None


def levels_of(template: SlaTemplate) -> LevelsForm:
    """The version's figures for the form (2022/23's when none can be read, to be corrected)."""
    return LevelsForm(level_values(_table(template) or SLA_2022_23), template.applies_to or "all")


def _summary(template: SlaTemplate, before: TargetTable | None, after: TargetTable, was: str) -> str:
    old = level_values(before) if before else {}
    new = level_values(after)
    changed = [f"{LEVEL_FIELDS[k]} {old.get(k) or '—'} → {new[k] or '—'}" for k in new if old.get(k) != new[k]]
    if was != template.applies_to:
        changed.append(f"applies to {APPLIES_TO.get(was, was)} → {APPLIES_TO[template.applies_to]}")
    return f"{template.name} service levels corrected: " + ("; ".join(changed) or "no change")


def frozen_levels(template: SlaTemplate) -> str:
    """Why a published version's service levels cannot change, and what to do instead."""
    return (f"{template.name} is published: its service levels are printed in the agreements issued under it and "
            "frozen with its text; make a new version to correct them (its document control row says why)")


@refusal_rolls_back
def start_correction(template: SlaTemplate, why: str, by: str) -> SlaTemplate:
    """A new draft version copied from *template* to correct its text and service levels, its new
    document control row giving *why* (required: it is the version's change notice)."""
    why = " ".join((why or "").split())
    if not why:
        raise ActionRefused("say why the service levels need correcting: it is the new version's change notice in "
                            "its document control row")
    if "|" in why:
        raise ActionRefused("the reason cannot contain '|': it is a cell of the document control table")
    limit = SlaTemplate.__table__.c.change_notice.type.length
    if len(why) > limit:
        raise ActionRefused(f"the reason is {len(why)} characters long: the change notice holds at most {limit}")
    draft = documents.new_version(by, base=template, why=why, commit=False)
    audit.record("create", "SlaTemplate", draft.id, f"{draft.name} started from {template.name} to correct its "
                                                    f"service levels: {why} (by {by})")
    db.session.commit()
    return draft


@refusal_rolls_back
def correct_levels(template: SlaTemplate, values: dict[str, str], applies: str, by: str) -> SlaTemplate:
    """Replace the version's §6.2/§7.2/§11.1 figures and whose agreements it applies to; audited.

    Every figure is checked as a template's table is read; a refusal names each field.
    """
    levels = corrected_levels(values, f"SLA template v{template.version}")
    applies = applies_to(applies)
    if template.status == "published" and level_values(levels) != level_values(_table(template) or SLA_2022_23):
        raise ActionRefused(frozen_levels(template))
    left_out = _left_without(template, applies)
    if left_out:
        raise ActionRefused(f"{template.name} is the only published version for {left_out}: publish another "
                            "for them first")
    before, was = _table(template), template.applies_to
    template.targets, template.applies_to = levels.to_dict(), applies
    db.session.flush()
    audit.record("update", "SlaTemplate", template.id, f"{_summary(template, before, levels, was)} (by {by})")
    db.session.commit()
    return template


def _types(applies: str) -> set[str]:
    return {"maintained", "academy"} if applies == "all" else {applies}


def _left_without(template: SlaTemplate, applies: str) -> str:
    """The schools a published version would stop applying to that no other published one covers."""
    if template.status != "published":
        return ""
    others = db.session.scalars(select(SlaTemplate.applies_to).where(SlaTemplate.status == "published",
                                                                     SlaTemplate.id != template.id))
    covered = set().union(*(_types(a) for a in others))
    dropped = _types(template.applies_to) - _types(applies) - covered
    return " and ".join(APPLIES_TO[t] for t in sorted(dropped, reverse=True))


def _was_published(template: SlaTemplate) -> bool:
    history = inspect(template).attrs.status.history
    return (history.deleted or [template.status])[0] == "published"


def _refuse_changes_to_published(mapper: object, connection: object, template: SlaTemplate) -> None:
    """Whatever door tries (a page, a command, the API, a script), a published version's text and
    levels stay as issued: it is neither changed nor unpublished."""
    state = inspect(template)
    if _was_published(template) and (template.status != "published" or any(
            state.attrs[name].history.has_changes() for name in FROZEN)):
        raise ActionRefused(frozen_levels(template))


def _refuse_deleting_published(mapper: object, connection: object, template: SlaTemplate) -> None:
    """A published version is kept for the agreements issued under it."""
    if _was_published(template):
        raise ActionRefused(frozen_levels(template))


# Mapper events, so that the rule holds in every session, whichever door makes the change.
for _when, _rule in (("before_update", _refuse_changes_to_published), ("before_delete", _refuse_deleting_published)):
    if not event.contains(SlaTemplate, _when, _rule):
        event.listen(SlaTemplate, _when, _rule)
