"""SLA templates and the filled-in agreement documents: load -> documents (pure) -> save.

Templates are versioned data (``SlaTemplate``): imported from Markdown or started from
the current version as a draft, edited, then published. An agreement records the
version current when it was issued and is always rendered with it; a draft renders
with the current version. The published default template (``sla_templates/default.md``)
is created the first time one is needed.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from documents.bulk import pdf_name
from documents.catalogue import placeholders_in
from documents.filling import day_words, fill
from documents.html import render_html
from documents.model import ControlRow, FilledDocument, Template
from documents.pdf import render_pdf
from documents.template import parse_template, read_template
from documents.versions import applies_to, check_service_levels, check_template, decode_template, next_version
from documents.writing import to_markdown
from pricing.errors import ActionRefused, ImportRefused, Problem
from pricing.sla_year import SlaYear
from servicedesk import SLA_2022_23, TargetTable, target_table_from_dict
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, School, SchoolGroup, SlaTemplate
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.bounds import MAX_INT
from contracts_app.services.council import document_council
from contracts_app.services.document_facts import facts_for, preview_facts
from contracts_app.services.rounds import records

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "sla_templates" / "default.md"
DEFAULT_BY = "system (default template)"
BATCH = 200


@dataclass
class TemplateResult:
    """A template saved as a draft, with notes on what reading it changed or added."""

    template: SlaTemplate
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TemplateListing:
    """The versions page: every version newest first, the current one, and each one's use."""

    current: SlaTemplate
    versions: list[SlaTemplate]
    usage: dict[int, int]


@dataclass(frozen=True)
class TemplateDetails:
    """One version's page: its parsed text, the placeholders it uses and its service desk targets."""

    parsed: Template
    placeholders: list[str]
    targets: TargetTable | None
    is_current: bool
    used: int


@lru_cache(maxsize=16)
def _parsed(markdown: str) -> Template:
    # Stored templates were checked when saved; parsing is cached per text, since a
    # published version never changes and bulk rendering reuses one version throughout.
    return parse_template(markdown)


def parsed(template: SlaTemplate) -> Template:
    """The stored template, parsed."""
    return _parsed(template.markdown)


def get_template(template_id: int) -> SlaTemplate | None:
    """The version with this id, or None."""
    return db.session.get(SlaTemplate, template_id) if template_id <= MAX_INT else None  # larger ids are simply not found


def get_agreement(agreement_id: int) -> Agreement | None:
    """The agreement with this id, or None (the view then applies the school-access rule)."""
    return db.session.get(Agreement, agreement_id) if agreement_id <= MAX_INT else None  # larger ids are simply not found


# -- versions -------------------------------------------------------------------------

def versions() -> list[SlaTemplate]:
    """Every version, newest first."""
    return list(db.session.scalars(select(SlaTemplate).order_by(SlaTemplate.id.desc())))


def current(customer_type: str | None = None) -> SlaTemplate | None:
    """The version new agreements are issued under: the one published last (for *customer_type*,
    the last published for that type or for all schools)."""
    query = select(SlaTemplate).where(SlaTemplate.status == "published")
    if customer_type is not None:
        query = query.where(SlaTemplate.applies_to.in_((customer_type, "all")))
    return db.session.scalar(query.order_by(SlaTemplate.published_at.desc(), SlaTemplate.id.desc()).limit(1))


def _record(template: Template, markdown: str, *, status: str, by: str, targets: dict | None,
            applies: str = "all") -> SlaTemplate:
    latest = template.latest
    return SlaTemplate(version=latest.version, title=template.title, released_on=latest.released_on,
                       change_notice=latest.change_notice, pages_affected=latest.pages_affected,
                       remarks=latest.remarks, status=status, markdown=markdown, targets=targets,
                       applies_to=applies, created_by=by, published_at=utcnow() if status == "published" else None)


def current_template(customer_type: str | None = None) -> SlaTemplate:
    """The current published version (for *customer_type*, the current one that applies to it),
    creating the default one on first need; refused when versions are published but none applies.

    Flushes but does not commit: ``agreements.issue`` calls it inside the caller's
    transaction (and ``issue_year``'s savepoints). Two processes creating the default
    at once meet the unique version; the loser uses the winner's.
    """
    found = current(customer_type)
    if found is not None:
        return found
    if customer_type is not None and current() is not None:
        raise ActionRefused(f"no published SLA template version applies to {customer_type} schools: publish one "
                            "for them (or for all schools) first")
    record = _default_record()
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        # Someone else created it, or a draft already uses the default's version number.
        found = current()
        if found is not None:
            return found
        raise ActionRefused(f"no SLA template is published and version {record.version} of the "
                            "default template is taken by a draft: publish a template first") from None
    return record


def _default_record() -> SlaTemplate:
    """The built-in default template as a published version, not yet in the session."""
    check = read_template(DEFAULT_TEMPLATE.read_text(encoding="utf-8"), DEFAULT_TEMPLATE.name)
    return _record(check.template, to_markdown(check.template), status="published", by=DEFAULT_BY,
                   targets=SLA_2022_23.to_dict())


def readable_template(customer_type: str | None = None) -> SlaTemplate:
    """The version a page shows, storing nothing (GET pages never commit): the current one for
    *customer_type*, else the current one, else the built-in default, unsaved until the first
    agreement is issued or a version is imported or started from it."""
    return current(customer_type) or current() or _default_record()


def ensure_default() -> SlaTemplate:
    """The current version, committed (pages and commands that need one before anything else)."""
    template = current_template()
    db.session.commit()
    return template


def template_listing() -> TemplateListing:
    """Every version, the current one (the built-in default until one is stored) and their use."""
    return TemplateListing(readable_template(), versions(), usage())


def _targets(template: SlaTemplate) -> TargetTable | None:
    if not template.targets:
        return None
    try:
        return target_table_from_dict(template.targets)
    except ValueError:
        return None  # shown as "not recorded"; the reports read the JSON themselves


def template_details(template: SlaTemplate) -> TemplateDetails:
    """What the version's page shows besides the stored record."""
    parsed_template = parsed(template)
    targets = _targets(template)
    current_version = current()
    return TemplateDetails(parsed_template, placeholders_in(parsed_template), targets,
                           current_version is not None and current_version.id == template.id,
                           usage().get(template.id, 0))


@contextmanager
def _undone_if_refused() -> Iterator[None]:
    """A refused change leaves nothing behind in the session: the page shows the refusal."""
    try:
        yield
    except (ActionRefused, ImportRefused):
        db.session.rollback()
        raise


def _version_free(version: str, source: str, keep: SlaTemplate | None = None) -> None:
    taken = db.session.scalar(select(SlaTemplate).where(SlaTemplate.version == version))
    if taken is not None and taken is not keep:
        raise ImportRefused(Problem(None, None, f"version {version} already exists ({taken.status}): add a row for "
                                                "the new version at the end of the document control table"), source)


def import_template(data: bytes | str, source: str, by: str, applies: str = "all") -> TemplateResult:
    """A Markdown file (our format or the customer's own SLA) -> a new draft version, with the
    service levels its own §6.2, §7.2 and §11.1 state, applying to *applies* (all, maintained, academy).

    Refused whole, with every problem named, if it is not a template, uses an
    unknown placeholder, its service levels cannot be read, or its version (the last
    document-control row) exists.
    """
    text = decode_template(data, source)
    check = check_template(text, source)
    # The default comes first, so its version number is never taken; only once the file
    # itself is a template, so that a refused file stores nothing.
    current_template()
    _version_free(check.template.latest.version, source)
    levels = check_service_levels(text, source, check.template.latest.version)
    record = _record(check.template, to_markdown(check.template), status="draft", by=by, targets=levels.to_dict(),
                     applies=applies_to(applies))
    db.session.add(record)
    db.session.flush()
    audit.record("import", "SlaTemplate", record.id, f"{record.name} imported from {source} as a draft")
    db.session.commit()
    return TemplateResult(record, check.notes)


def frozen_reason(template: SlaTemplate) -> str | None:
    """Why the version cannot be edited (a published one is frozen), or None for a draft."""
    if template.status != "draft":
        return f"{template.name} is published and frozen: start a new version to change it"
    return None


@_undone_if_refused()
def save_draft(template: SlaTemplate, markdown: str) -> TemplateResult:
    """Replace a draft's text; its version, title and release details come from the text."""
    reason = frozen_reason(template)
    if reason:
        raise ActionRefused(reason)
    check = check_template(markdown, f"{template.name} as edited")
    _version_free(check.template.latest.version, f"{template.name} as edited", keep=template)
    levels = check_service_levels(markdown, f"{template.name} as edited", check.template.latest.version)
    fresh = _record(check.template, to_markdown(check.template), status="draft", by=template.created_by,
                    targets=levels.to_dict())  # the draft's text states its service levels
    for name in ("version", "title", "released_on", "change_notice", "pages_affected", "remarks", "markdown",
                 "targets"):
        setattr(template, name, getattr(fresh, name))
    db.session.commit()
    return TemplateResult(template, check.notes)


@_undone_if_refused()
def publish(template: SlaTemplate, by: str) -> SlaTemplate:
    """Draft -> published: agreements issued from now on are issued under it."""
    if template.status != "draft":
        raise ActionRefused(f"{template.name} is already published")
    check_template(template.markdown, template.name)  # stored drafts were checked; this is belt and braces
    template.status = "published"
    template.published_at = utcnow()
    db.session.flush()
    audit.record("publish", "SlaTemplate", template.id, f"{template.name} published by {by}")
    db.session.commit()
    return template


@_undone_if_refused()
def discard(template: SlaTemplate) -> None:
    """Delete a draft nobody has used."""
    if template.status != "draft":
        raise ActionRefused(f"{template.name} is published: a published version is kept for the agreements "
                            "issued under it")
    db.session.delete(template)
    db.session.commit()


def new_version(by: str, today: date | None = None, base: SlaTemplate | None = None, why: str = "Changes for review",
                commit: bool = True) -> SlaTemplate:
    """A draft copy of *base* (the current version), its new document-control row saying *why*."""
    base = base or current_template()
    taken = set(db.session.scalars(select(SlaTemplate.version)))
    version = next_version(base.version, taken)
    when = today or date.today()
    template = parsed(base)
    template = replace(template, control=template.control + (
        ControlRow(version, day_words(when), when, why, "", ""),))
    record = _record(template, to_markdown(template), status="draft", by=by, targets=base.targets,
                     applies=base.applies_to)
    db.session.add(record)
    db.session.commit() if commit else db.session.flush()
    return record


def usage() -> dict[int, int]:
    """How many agreements each version is recorded on."""
    return dict(db.session.execute(select(Agreement.template_id, func.count()).where(
        Agreement.template_id.is_not(None)).group_by(Agreement.template_id)).all())


# -- one agreement's document -------------------------------------------------------------

def template_for(agreement: Agreement) -> tuple[SlaTemplate, tuple[str, ...]]:
    """The version an agreement renders with, and a note when it is not its own."""
    if agreement.status != "draft" and agreement.template is not None:
        return agreement.template, ()
    template = readable_template(agreement.customer_type)  # the one it would be issued under
    if agreement.status == "draft":
        return template, ()
    return template, (f"No SLA template version was recorded when this agreement was issued: the document uses "
                      f"the current version, {template.version}.",)


def document_for(agreement: Agreement) -> FilledDocument:
    """The agreement's SLA document, filled in with the version it was issued under."""
    template, notes = template_for(agreement)
    return fill(parsed(template), facts_for(agreement, notes), document_council())


def file_name(agreement: Agreement) -> str:
    """``sla-2025-26-103700-allesley-primary-school.pdf``: the same in downloads and ZIPs."""
    return pdf_name(SlaYear(agreement.sla_year).label, agreement.party_name,
                    urn=agreement.school.urn if agreement.school else None, group_id=agreement.group_id)


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement's SLA document as a PDF."""
    return render_pdf(document_for(agreement))


def agreement_html(agreement: Agreement) -> str:
    """The agreement's SLA document as an HTML fragment."""
    return render_html(document_for(agreement))


def pdf_download(agreement: Agreement) -> tuple[bytes, str]:
    """The agreement's PDF and file name: the exact PDF accepted, when made from an acceptance."""
    signed = records.signed_acceptance(agreement)  # issuing or regenerating never replaces it
    data = records.read_accepted(signed) if signed is not None else agreement_pdf(agreement)
    return data, file_name(agreement)


def preview(template: SlaTemplate) -> FilledDocument:
    """The template filled in for a made-up school, to check it before publishing."""
    return fill(parsed(template), preview_facts(), document_council())


# -- finding agreements --------------------------------------------------------------------

def agreement_for_school(urn: int, year: int) -> Agreement:
    """The school's agreement for the year (its own, else its group's); the live one first."""
    school = db.session.scalar(select(School).where(School.urn == urn))
    if school is None:
        raise ActionRefused(f"no school with URN {urn}")
    group_ids = [g.id for g in school.groups]
    party = or_(Agreement.school_id == school.id, Agreement.group_id.in_(group_ids) if group_ids else false())
    found = db.session.scalars(select(Agreement).where(Agreement.sla_year == year, party)
                               .order_by((Agreement.status == "cancelled").asc(), Agreement.id.desc())).first()
    if found is None:
        raise ActionRefused(f"{school.name} (URN {urn}) has no {SlaYear(year).label} agreement")
    return found


def issued_ids(year: int, only: list[int] | None = None) -> list[int]:
    """The ids of the year's issued agreements (or of ``only`` those), in order."""
    ids = list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, Agreement.issued_at.is_not(None)).order_by(Agreement.id)))
    return ids if only is None else sorted(set(ids) & set(only))


def year_documents(year: int, only: list[int] | None = None) -> Iterator[tuple[str, FilledDocument]]:
    """(file name, document) for every issued agreement of the year (or of ``only`` those); drafts left out."""
    return documents_of(issued_ids(year, only))


def documents_of(ids: list[int]) -> Iterator[tuple[str, FilledDocument]]:
    """(file name, document) for the agreements ``ids`` in id order, loaded in batches with all they need."""
    ids = sorted(ids)
    the_council = document_council()
    for start in range(0, len(ids), BATCH):
        batch = db.session.scalars(select(Agreement).where(Agreement.id.in_(ids[start:start + BATCH]))
                                   .order_by(Agreement.id).options(
            selectinload(Agreement.lines).selectinload(AgreementLine.service),
            selectinload(Agreement.school).selectinload(School.stakeholders),
            selectinload(Agreement.school).selectinload(School.groups),
            selectinload(Agreement.group).selectinload(SchoolGroup.schools).selectinload(School.stakeholders),
            selectinload(Agreement.template), selectinload(Agreement.notices))).all()
        for agreement in batch:
            template, notes = template_for(agreement)
            yield file_name(agreement), fill(parsed(template), facts_for(agreement, notes), the_council)
        # Nothing else holds the batch: the weak identity map lets it go (memory stays flat).
