"""A template version's service levels (§6.2, §7.2, §11.1) and whose agreements it applies to,
as the SLA team sees and corrects them: load -> documents.service_levels (pure) -> save, audited.

Import reads the levels from the version's own tables (``documents.import_template``);
this is where they are corrected when the reading, or the text, got them wrong. A
published version may be corrected too: its agreements' tickets are measured against
what it promises, and the correction is in the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from documents.service_levels import LEVEL_FIELDS, corrected_levels, level_values
from documents.versions import APPLIES_TO, applies_to
from pricing.errors import ActionRefused
from servicedesk import SLA_2022_23, target_table_from_dict
from servicedesk.targets import TargetTable
from contracts_app.extensions import db
from contracts_app.models import SlaTemplate
from contracts_app.services import audit
from contracts_app.services.transactions import refusal_rolls_back

__all__ = ["APPLIES_TO", "LEVEL_FIELDS", "LevelsForm", "levels_of", "correct_levels"]


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


@refusal_rolls_back
def correct_levels(template: SlaTemplate, values: dict[str, str], applies: str, by: str) -> SlaTemplate:
    """Replace the version's §6.2/§7.2/§11.1 figures and whose agreements it applies to; audited.

    Every figure is checked as a template's table is read; a refusal names each field.
    """
    levels = corrected_levels(values, f"SLA template v{template.version}")
    applies = applies_to(applies)
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
