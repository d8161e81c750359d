"""SLA templates as versioned data and the filled-in agreement documents (service, pages, CLI)."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, KeyStakeholder, SlaTemplate
from contracts_app.services import agreements as agreement_service
from contracts_app.services import documents
from pricing.errors import ActionRefused, ImportRefused
from servicedesk import SLA_2022_23
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement
from tests.documents.samples import DEFAULT, SEED, needs_seed

L = agreement_service.LineInput
LINES = [L("ADMIN", "subscribed"), L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
         L("DPO", "additional"), L("WEB", "excluded")]


def issue(school, lines=LINES, year=2025, **details) -> Agreement:
    return issue_agreement(lines, school=school, year=year, by="sla@test",
                           odm_name=details.pop("odm_name", "Priya Sharma"),
                           odm_email=details.pop("odm_email", "priya@council.example"))


@pytest.fixture
def schools(app, make_school):
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (maintained, academy):
        add_census(school, "2025-01", 412)
    db.session.add(KeyStakeholder(school=maintained, name="Ann Head", role="Headteacher",
                                  email="head@allesley.example", phone="024 7600 0001"))
    db.session.commit()
    return maintained, academy


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def count_templates() -> int:
    return db.session.scalar(select(func.count()).select_from(SlaTemplate))


# -- versions ---------------------------------------------------------------------------

def test_issuing_records_the_default_template_created_on_first_need(schools):
    assert count_templates() == 0
    agreement = issue(schools[0])
    template = agreement.template
    assert (template.version, template.status, template.title) == ("1.0", "published", "Service Level Agreement")
    assert template.targets == SLA_2022_23.to_dict()
    assert template.created_by == documents.DEFAULT_BY
    assert issue(schools[1]).template_id == template.id and count_templates() == 1


def test_the_pdf_carries_the_agreement(schools):
    pages = pdf_pages(documents.agreement_pdf(issue(schools[0])))
    text = "\n".join(pages)
    assert f"Page 1 of {len(pages)}" in pages[0] and len(pages) > 10
    for expected in ("Allesley Primary School", "URN", "103700", "1 April 2025 to 31 March 2026",
                     "This agreement starts on 1 April 2025 and ends on 31 March 2026.", "Maintained school",
                     "Priya Sharma (priya@council.example)", "Admin network support", "SIMS support",
                     "Anti-virus", "30 devices", "Data protection officer", "Website hosting",
                     "412 pupils (January 2025 census) x £3.10 = £1,277.20", "£4,019.70",
                     "Summer term invoice", "What SIMS support covers.", "Ann Head", "head@allesley.example"):
        assert expected in text, expected
    assert "Autumn term invoice" not in text  # a maintained school has one invoice for the term (§2.7)
    assert "[" not in text and "]" not in text


def test_an_academy_has_its_two_invoices(schools):
    text = "\n".join(pdf_pages(documents.agreement_pdf(issue(schools[1]))))
    assert "1 April 2025 to 31 August 2025" in text and "1 September 2025 to 31 March 2026" in text


def test_an_agreement_keeps_the_version_it_was_issued_under(schools):
    first = issue(schools[0])
    draft = documents.new_version("sla@test")
    assert draft.version == "1.1" and draft.status == "draft"
    edited = draft.markdown.replace("This agreement sets out the services", "Version two sets out the services")
    edited = edited.replace("| Changes for review |", "| Reworded introduction |")
    result = documents.save_draft(draft, edited)
    assert result.template.change_notice == "Reworded introduction"
    later = agreement_service.create_draft(2025, school=schools[1], from_catalogue=False)
    agreement_service.set_lines(later, LINES)
    db.session.commit()
    assert "Version two" not in documents.agreement_html(later)  # a draft uses the current: still 1.0
    documents.publish(draft, "sla@test")
    assert documents.current().version == "1.1"
    assert "Version two" not in documents.agreement_html(first)
    assert "This agreement sets out the services" in documents.agreement_html(first)
    assert "Version two sets out the services" in documents.agreement_html(later)
    agreement_service.issue(later, "sla@test")
    db.session.commit()
    assert later.template.version == "1.1" and first.template.version == "1.0"
    pages = pdf_pages(documents.agreement_pdf(first))
    assert "SLA document version 1.0" in pages[0]


def test_a_published_version_is_frozen(schools):
    template = documents.ensure_default()
    with pytest.raises(ActionRefused, match="published and frozen"):
        documents.save_draft(template, template.markdown)
    with pytest.raises(ActionRefused, match="already published"):
        documents.publish(template, "t")
    with pytest.raises(ActionRefused, match="kept for the agreements"):
        documents.discard(template)


@needs_seed
def test_the_customers_document_imports_publishes_and_renders(schools):
    result = documents.import_template(SEED.read_bytes(), SEED.name, "sla@test")
    template = result.template
    assert (template.version, template.status, template.change_notice) == ("1.2", "draft", "Updates for new SLA year")
    assert template.title == "ICT & Digital for Schools Service Level Agreement"
    assert any("stands for [subscribed services table]" in note for note in result.notes)
    documents.publish(template, "sla@test")
    agreement = issue(schools[1])
    assert agreement.template.version == "1.2"
    pages = pdf_pages(documents.agreement_pdf(agreement))
    text = "\n".join(pages)
    assert "[" not in text and "]" not in text
    for expected in ("Cardinal Academy", "This agreement runs from 1 April 2025 to 31 March 2026", "30 devices",
                     "Autumn term invoice", f"Page 1 of {len(pages)}"):
        assert expected in text, expected


@pytest.mark.parametrize("content, message", [
    (DEFAULT.read_text(encoding="utf-8").replace("[council name] reviews", "[council] reviews"),
     "unknown placeholder [council]"),
    (b"# Notes\n\nNot a template at all.\n", "notes.md is not an SLA template"),
    (DEFAULT.read_bytes(), "version 1.0 already exists (published)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a Markdown text file"),
])
def test_bad_templates_are_refused_and_nothing_is_added(schools, content, message):
    documents.ensure_default()
    with pytest.raises(ImportRefused) as caught:
        documents.import_template(content, "notes.md", "sla@test")
    db.session.rollback()
    assert message in caught.value.message
    assert count_templates() == 1


def test_a_draft_renders_with_todays_prices_and_says_so(schools):
    draft = agreement_service.create_draft(2025, school=schools[0], from_catalogue=False)
    agreement_service.set_lines(draft, LINES)
    db.session.commit()
    document = documents.document_for(draft)
    assert document.draft
    assert any("draft" in f for f in document.fallbacks)
    assert any("still the council's default" in f for f in document.fallbacks)  # create_draft's default ODM
    assert "£1,277.20" in documents.agreement_html(draft)


# -- pages ---------------------------------------------------------------------------------

def test_agreement_page_offers_the_document_and_flags_fallbacks(schools, client, login):
    agreement = issue(schools[1], odm_name="", odm_email="")
    agreement.odm_name = ""  # create_draft fills in the default; an agreement may still lack one
    db.session.commit()
    login("sla")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert f'href="/agreements/{agreement.id}/document"' in page
    assert f'href="/agreements/{agreement.id}/document.pdf"' in page
    assert 'id="document-fallbacks"' in page
    assert "No Operational Delivery Manager is named" in page
    assert "No key stakeholders are recorded for Cardinal Academy" in page
    assert "template version 1.0" in page


def test_document_pages_for_staff(schools, client, login):
    agreement = issue(schools[0])
    login("finance")
    html = client.get(f"/agreements/{agreement.id}/document")
    assert html.status_code == 200
    body = html.get_data(as_text=True)
    assert "Allesley Primary School" in body and "Issued under template version 1.0" in body
    assert 'href="/static/document.css"' in body and "[" not in body.split('<article class="sla-document">')[1]
    pdf = client.get(f"/agreements/{agreement.id}/document.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == \
        "attachment; filename=sla-2025-26-103700-allesley-primary-school.pdf"
    assert pdf.data.startswith(b"%PDF")


def test_template_pages_import_edit_and_publish(schools, client, login):
    login("sla")
    listing = client.get("/sla-templates/").get_data(as_text=True)
    assert "v1.0" in listing and "current" in listing
    bad = DEFAULT.read_text(encoding="utf-8").replace("| 1.0 |", "| 2.0 |").replace("[website]", "[web site]", 1)
    response = client.post("/sla-templates/import", data={"file": (io.BytesIO(bad.encode()), "new.md")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "unknown placeholder [web site] (did you mean [website]?)" in response.get_data(as_text=True)
    assert count_templates() == 0  # neither the GET nor the refused import stored anything
    good = bad.replace("[web site]", "[website]")
    response = client.post("/sla-templates/import", data={"file": (io.BytesIO(good.encode()), "new.md")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    draft = db.session.scalar(select(SlaTemplate).where(SlaTemplate.version == "2.0"))
    assert draft.status == "draft"
    page = client.get(f"/sla-templates/{draft.id}").get_data(as_text=True)
    assert "Publish version 2.0" in page and "[subscribed services table]" in page
    edit = client.post(f"/sla-templates/{draft.id}/edit", data={"markdown": good.replace("# 7 Service", "# 77 Service")})
    assert edit.status_code == 400 and "section 7 is missing" in edit.get_data(as_text=True)
    db.session.refresh(draft)
    assert "# 7 Service Requests" in draft.markdown
    assert client.post(f"/sla-templates/{draft.id}/edit", data={"markdown": good.replace(
        "Either party may bring", "Either party may end")}).status_code == 302
    assert client.post(f"/sla-templates/{draft.id}/publish").status_code == 302
    assert documents.current().version == "2.0"
    frozen = client.get(f"/sla-templates/{draft.id}/edit", follow_redirects=True).get_data(as_text=True)
    assert "published and frozen" in frozen
    preview = client.get(f"/sla-templates/{draft.id}/preview").get_data(as_text=True)
    assert "Example Primary School" in preview and "Either party may end" in preview
    markdown = client.get(f"/sla-templates/{draft.id}/markdown")
    assert markdown.mimetype == "text/markdown" and b"| 2.0 |" in markdown.data


def test_the_templates_page_stores_nothing_before_a_version_is_saved(schools, client, login):
    login("sla")
    listing = client.get("/sla-templates/").get_data(as_text=True)
    assert "Version <strong>1.0</strong> is current" in listing
    db.session.rollback()
    assert count_templates() == 0  # GET pages never commit; the default is stored on first need by a POST


def test_new_version_and_discard(schools, client, login):
    login("sla")
    response = client.post("/sla-templates/new-version")
    draft = db.session.scalar(select(SlaTemplate).where(SlaTemplate.status == "draft"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sla-templates/{draft.id}/edit")
    assert client.post(f"/sla-templates/{draft.id}/discard").status_code == 302
    assert count_templates() == 1


# -- the command line ---------------------------------------------------------------------------

def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_pdf_command_for_one_school(schools, app, tmp_path):
    issue(schools[0])
    out = tmp_path / "allesley.pdf"
    result = run(app, "agreements", "pdf", "103700", "--year", "2025", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote the Allesley Primary School 2025-26 SLA (active)" in result.output
    assert "Allesley Primary School" in pdf_pages(out.read_bytes())[0]


def test_pdf_command_for_every_agreement_into_a_zip(schools, app, tmp_path, make_school):
    extra = make_school(urn=103710, name="Binley Primary School")
    add_census(extra, "2025-01", 200)
    for school in (*schools, extra):
        issue(school)
    draft = agreement_service.create_draft(2025, school=make_school(urn=103711, name="Draft School"))
    db.session.commit()
    out = tmp_path / "all.zip"
    result = run(app, "agreements", "pdf", "--all", "--year", "2025", "-o", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "Wrote 3 2025-26 SLA document(s)" in result.output and "2 process(es)" in result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names == ["sla-2025-26-103700-allesley-primary-school.pdf", "sla-2025-26-140001-cardinal-academy.pdf",
                         "sla-2025-26-103710-binley-primary-school.pdf"]
        assert "Cardinal Academy" in pdf_pages(archive.read(names[1]))[0]
    assert draft.status == "draft"  # drafts are not sent


@pytest.mark.parametrize("args, message", [
    (["999999", "--year", "2025", "-o", "{tmp}/x.pdf"], "no school with URN 999999"),
    (["103700", "--year", "2030", "-o", "{tmp}/x.pdf"], "has no 2030-31 agreement"),
    (["--year", "2025", "-o", "{tmp}/x.pdf"], "give either a school's URN or --all"),
    (["103700", "--all", "--year", "2025", "-o", "{tmp}/x.zip"], "give either a school's URN or --all"),
    (["--all", "--year", "2025", "-o", "{tmp}/x.pdf"], "name the output something.zip"),
    (["--all", "--year", "2030", "-o", "{tmp}/x.zip"], "there are no issued 2030-31 agreements"),
    (["103700", "--year", "2025", "-o", "{tmp}/missing/x.pdf"], "the folder"),
])
def test_pdf_command_refusals(schools, app, tmp_path, args, message):
    issue(schools[0])
    result = run(app, "agreements", "pdf", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.pdf").exists()


def test_pdf_command_finds_a_groups_agreement_by_a_member(schools, app, tmp_path):
    from contracts_app.models import SchoolGroup

    maintained, _ = schools
    partner = SchoolGroup(name="Spires Federation", schools=[maintained], lead_school=maintained)
    db.session.add(partner)
    db.session.commit()
    group_agreement = agreement_service.create_draft(2025, group=partner, from_catalogue=False)
    agreement_service.set_lines(group_agreement, LINES)
    agreement_service.issue(group_agreement, "t")
    db.session.commit()
    out = tmp_path / "group.pdf"
    result = run(app, "agreements", "pdf", "103700", "--year", "2025", "-o", str(out))
    assert result.exit_code == 0, result.output
    first = pdf_pages(out.read_bytes())[0]
    assert "Spires Federation" in first and "Allesley Primary School (URN 103700)" in first
    assert documents.file_name(group_agreement) == \
        f"sla-2025-26-group-{partner.id}-spires-federation.pdf"


# -- service levels per version (issue #15 item 15) ---------------------------------------

def _academy_version(applies="academy", publish=True) -> SlaTemplate:
    from tests.documents.samples import academy_markdown
    documents.ensure_default()
    template = documents.import_template(academy_markdown().encode(), "academy.md", "sla@test", applies).template
    if publish:
        documents.publish(template, "sla@test")
    return template


def test_an_import_reads_the_versions_own_service_levels(schools):
    from servicedesk import ACADEMY_2018_19, target_table_from_dict
    template = _academy_version(publish=False)
    table = target_table_from_dict(template.targets)
    assert table.name == "SLA template v3.0" and template.applies_to == "academy"
    assert (table.incident, table.service_request, table.kpi) == (ACADEMY_2018_19.incident,
                                                                  ACADEMY_2018_19.service_request, ACADEMY_2018_19.kpi)
    assert table.target_for("incident", 1).label == "0-2 service desk hours"  # not 2022-23's 4 hours


def test_an_agreement_takes_the_current_version_for_its_customer_type(schools):
    maintained, academy = schools
    _academy_version()
    assert issue(academy).template.version == "3.0"
    assert issue(maintained).template.version == "1.0"  # the academy version does not apply to it
    assert documents.current("academy").version == "3.0" and documents.current("maintained").version == "1.0"


def test_a_years_issue_takes_each_types_version(schools):
    maintained, academy = schools
    _academy_version()
    drafts = []
    for school in schools:
        draft = agreement_service.create_draft(2025, school=school, from_catalogue=False)
        agreement_service.set_lines(draft, LINES)
        drafts.append(draft)
    db.session.commit()
    report = agreement_service.issue_year(2025, "sla@test")
    assert not report.refused_ids
    assert [(d.school.urn, d.template.version) for d in drafts] == [(103700, "1.0"), (140001, "3.0")]


def test_a_version_for_academies_only_leaves_maintained_schools_on_the_default(schools):
    from contracts_app.services import template_levels
    template = _academy_version()
    default = documents.current("maintained")
    with pytest.raises(ActionRefused, match="only published version for maintained schools"):
        template_levels.correct_levels(default, template_levels.levels_of(default).values, "academy", "sla@test")
    assert db.session.get(SlaTemplate, default.id).applies_to == "all" and template.applies_to == "academy"


def test_a_template_whose_tables_cannot_be_read_is_refused_with_the_line(schools):
    from tests.documents.samples import academy_markdown
    documents.ensure_default()
    text = academy_markdown().replace("0 - 6 Service Desk Hours", "within the morning")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "within the morning" in row)
    with pytest.raises(ImportRefused) as caught:
        documents.import_template(text.encode(), "academy.md", "sla@test")
    db.session.rollback()
    assert f"line {line}: section 6.2 priority 2: 'within the morning' is not a target" in caught.value.message
    assert count_templates() == 1


def test_the_sla_team_sees_and_corrects_a_versions_service_levels(schools, client, login):
    from contracts_app.models import AuditEvent
    from tests.documents.samples import academy_markdown
    login("sla")
    documents.ensure_default()
    response = client.post("/sla-templates/import", data={"file": (io.BytesIO(academy_markdown().encode()), "a.md"),
                                                          "applies_to": "academy"})
    assert response.status_code == 302
    template = db.session.scalar(select(SlaTemplate).where(SlaTemplate.version == "3.0"))
    page = client.get(f"/sla-templates/{template.id}").get_data(as_text=True)
    assert "P1 0-2 service desk hours; P2 0-6 service desk hours; P3 3 service desk days; P4 5 service desk days" in page
    assert "80% of calls to the service desk answered within 20 seconds" in page and "academies" in page
    form = client.get(f"/sla-templates/{template.id}/service-levels").get_data(as_text=True)
    assert 'value="0-2 service desk hours"' in form
    values = {"p1": "0 - 2 Service Desk Hours", "p2": "0 - 5 Service Desk Hours", "p3": "0 - 3 Service Desk Days",
              "p4": "5 Service Desk Days", "standard": "10 Service Desk Days", "project": "Agreed with customer",
              "resolved_percent": "95", "calls_percent": "80", "calls_seconds": "20", "emails_percent": "95",
              "emails_days": "1", "applies_to": "all"}
    bad = client.post(f"/sla-templates/{template.id}/service-levels", data={**values, "p2": "soon"})
    assert bad.status_code == 400 and "Priority 2 incidents: &#39;soon&#39; is not a target" in bad.get_data(as_text=True)
    assert client.post(f"/sla-templates/{template.id}/service-levels", data=values).status_code == 302
    db.session.expire_all()
    template = db.session.get(SlaTemplate, template.id)
    assert template.targets["incident"]["2"] == {"kind": "desk_hours", "amount": 5} and template.applies_to == "all"
    events = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "SlaTemplate",
                                                                 AuditEvent.action == "update")).all()
    assert any("Priority 2 incidents 0-6 service desk hours → 0-5 service desk hours" in e for e in events)
