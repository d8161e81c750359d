"""Issue #31's defect: a published SLA template version's service levels are frozen with its text.

Every door that could change them is refused ("make a new version"); a correction makes a new
draft version whose document control row says why; agreements keep the version they were issued
under; and the performance report measures each ticket against its own school's version."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, SlaTemplate
from contracts_app.services import agreements as agreement_service
from contracts_app.services import documents, template_levels
from contracts_app.services import servicedesk as service
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement
from tests.documents.samples import academy_markdown

LONDON = ZoneInfo("Europe/London")
L = agreement_service.LineInput
LINES = [L("ADMIN", "subscribed"), L("SIMS", "subscribed")]
FROZEN = "make a new version"


@pytest.fixture
def world(app, make_school):
    """A maintained school under the default v1.0 and an academy under the imported academy v3.0."""
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (maintained, academy):
        add_census(school, "2025-01", 412)
    db.session.commit()
    documents.ensure_default()
    version = documents.import_template(academy_markdown().encode(), "academy.md", "sla@test", "academy").template
    documents.publish(version, "sla@test")
    return maintained, academy, version


def issue(school) -> Agreement:
    return issue_agreement(LINES, school=school, year=2025, by="sla@test", odm_name="Priya Sharma",
                           odm_email="priya@council.example")


def pdf_text(agreement: Agreement) -> str:
    """The PDF's words, one space apart (a table cell wraps its target over two lines)."""
    pages = PdfReader(io.BytesIO(documents.agreement_pdf(agreement))).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def stored(template_id: int) -> SlaTemplate:
    db.session.expire_all()
    return db.session.get(SlaTemplate, template_id)


def levels(template: SlaTemplate, **changes: str) -> dict[str, str]:
    return {**template_levels.levels_of(template).values, **changes}


# -- every door that could change a published version's levels -------------------------------

def test_the_service_refuses_to_change_a_published_versions_levels(world):
    version = world[2]
    before = dict(version.targets)
    with pytest.raises(ActionRefused, match=FROZEN):
        template_levels.correct_levels(version, levels(version, p1="0 - 1 Service Desk Hours"), "academy", "sla@t")
    with pytest.raises(ActionRefused, match=FROZEN):
        template_levels.correct_levels(version, levels(version, calls_seconds="60"), "academy", "sla@t")
    assert stored(version.id).targets == before


def test_who_a_published_version_applies_to_may_still_change(world):
    version = world[2]
    template_levels.correct_levels(version, levels(version), "all", "sla@test")
    assert stored(version.id).applies_to == "all"


def test_a_draft_is_still_corrected(world):
    draft = documents.new_version("sla@test", base=world[2])
    template_levels.correct_levels(draft, levels(draft, p1="0 - 1 Service Desk Hours"), "academy", "sla@test")
    assert stored(draft.id).targets["incident"]["1"] == {"kind": "desk_hours", "amount": 1}


@pytest.mark.parametrize("change", [
    lambda t: setattr(t, "targets", {**t.targets, "name": "changed"}),
    lambda t: setattr(t, "markdown", t.markdown.replace("0 - 2 Service Desk Hours", "0 - 1 Service Desk Hours")),
    lambda t: setattr(t, "status", "draft"),
    lambda t: db.session.delete(t),
], ids=["targets", "text", "unpublished", "deleted"])
def test_no_other_door_changes_a_published_version(world, change):
    """A command, an API endpoint or a script writing the model directly meets the same rule."""
    version = world[2]
    before = (dict(version.targets), version.markdown)
    change(version)
    with pytest.raises(ActionRefused, match=FROZEN):
        db.session.commit()
    db.session.rollback()
    again = stored(version.id)
    assert (again.targets, again.markdown, again.status) == (*before, "published")


def test_the_page_refuses_and_offers_a_new_version(world, client, login):
    version = world[2]
    login("sla")
    page = client.get(f"/sla-templates/{version.id}/service-levels").get_data(as_text=True)
    assert 'id="levels-frozen"' in page and 'id="correct-form"' in page
    values = {**levels(version, p1="0 - 1 Service Desk Hours"), "applies_to": "academy"}
    refused = client.post(f"/sla-templates/{version.id}/service-levels", data=values)
    assert refused.status_code == 400 and FROZEN in refused.get_data(as_text=True)
    assert stored(version.id).targets["incident"]["1"] == {"kind": "desk_hours", "amount": 2}
    # The draft's page has no frozen note and no correction form.
    draft = documents.new_version("sla@test")
    page = client.get(f"/sla-templates/{draft.id}/service-levels").get_data(as_text=True)
    assert 'id="levels-frozen"' not in page and 'id="correct-form"' not in page


def test_a_correction_makes_a_new_version_whose_control_row_says_why(world, client, login):
    version = world[2]
    login("sla")
    blank = client.post(f"/sla-templates/{version.id}/correct", data={"why": "  "}, follow_redirects=True)
    assert "say why the service levels need correcting" in blank.get_data(as_text=True)
    assert db.session.scalar(select(SlaTemplate).where(SlaTemplate.status == "draft")) is None
    long = client.post(f"/sla-templates/{version.id}/correct", data={"why": "x" * 201}, follow_redirects=True)
    assert "the change notice holds at most 200" in long.get_data(as_text=True)
    pipe = client.post(f"/sla-templates/{version.id}/correct", data={"why": "P1 | P2"}, follow_redirects=True)
    assert "cannot contain &#39;|&#39;" in pipe.get_data(as_text=True)
    response = client.post(f"/sla-templates/{version.id}/correct", data={"why": "P1 target misprinted"})
    draft = db.session.scalar(select(SlaTemplate).where(SlaTemplate.status == "draft"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sla-templates/{draft.id}/edit")
    assert (draft.version, draft.change_notice, draft.applies_to) == ("3.1", "P1 target misprinted", "academy")
    assert "| P1 target misprinted |" in draft.markdown and draft.targets == stored(version.id).targets
    assert any("started from SLA template v3.0 to correct its service levels: P1 target misprinted" in e
               for e in db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "SlaTemplate")))


def test_the_correction_form_is_for_the_sla_team_only(world, client, login):
    login("finance")
    assert client.post(f"/sla-templates/{world[2].id}/correct", data={"why": "no"}).status_code == 403


# -- agreements keep their version; the report measures against it ----------------------------------

def test_agreements_keep_their_version_and_print_what_they_are_measured_by(world):
    maintained, academy, version = world
    first = issue(academy)
    draft = template_levels.start_correction(version, "P1 target is three hours from now on", "sla@test")
    documents.save_draft(draft, draft.markdown.replace("0 - 2 Service Desk Hours", "0 - 3 Service Desk Hours"))
    assert stored(draft.id).targets["incident"]["1"] == {"kind": "desk_hours", "amount": 3}  # read from its text
    documents.publish(stored(draft.id), "sla@test")
    db.session.expire_all()
    first = db.session.get(Agreement, first.id)
    assert first.template.version == "3.0" and "0 - 2 Service Desk Hours" in pdf_text(first)
    assert issue(maintained).template.version == "1.0"


# Monday 2 March 2026: the same P1, resolved after 3 service desk hours, at each school.
LOG = """reference,urn,type,priority,logged_at,resolved_at
MAINTAINED-P1,103700,incident,1,2026-03-02T09:00,2026-03-02T12:00
ACADEMY-P1,140001,incident,1,2026-03-02T09:00,2026-03-02T12:00
"""


def test_two_schools_under_two_versions_get_their_own_verdicts(world):
    maintained, academy, version = world
    march = service.Period(date(2026, 3, 1), date(2026, 3, 31))
    agreements = {}
    for school in (maintained, academy):
        agreement = agreement_service.create_draft(2025, school=school, from_catalogue=False)
        agreement_service.set_lines(agreement, LINES)
        db.session.commit()
        agreement_service.issue(agreement, "sla@test")
        db.session.commit()
        # The ticket falls in the 2025-26 term the agreement covers.
        agreements[school.urn] = agreement
    service.import_tickets(LOG.encode(), "log.csv", now=datetime(2026, 3, 3, 9, tzinfo=LONDON))
    # A refused change leaves the academy's P1 at 0-2 hours.
    with pytest.raises(ActionRefused, match=FROZEN):
        template_levels.correct_levels(version, levels(version, p1="0 - 4 Service Desk Hours"), "academy", "sla@t")
    report = service.service_report(march, datetime(2026, 4, 1, 9, tzinfo=LONDON))
    measured = {t.reference: t for t in report.tickets}
    assert {ref: (m.targets, m.clock.target.label, m.outcome) for ref, m in measured.items()} == {
        "MAINTAINED-P1": ("SLA 2022/23", "0-4 service desk hours", "met"),
        "ACADEMY-P1": ("SLA template v3.0", "0-2 service desk hours", "breached")}
    assert measured["ACADEMY-P1"].clock.elapsed.total_seconds() == 3 * 3600
    # What each school's own document prints is what its ticket was measured against.
    assert "0 - 4 Service Desk Hours" in pdf_text(agreements[103700])
    text = pdf_text(agreements[140001])
    assert "0 - 2 Service Desk Hours" in text and "0 - 4 Service Desk Hours" not in text
    assert report.kpi_percent == Decimal("95")
