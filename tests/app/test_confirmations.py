"""Issue #15 item 18: irreversible actions (publishing a price list, issuing an agreement, a credit
note, an invoice run) first show a confirmation page saying what will happen; only the POST that
carries confirmed=1 acts, and confirming twice does not act twice."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, InvoiceRun, PriceList
from contracts_app.services import agreements as agreement_service
from contracts_app.services import price_lists
from contracts_app.services.invoicing import runs as invoice_run
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
LINES = [L("SIMS", "subscribed"), L("DPO", "subscribed"), L("AV", "subscribed", Decimal(30))]


@pytest.fixture
def school(app, make_school):
    build_priced_world(2025)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, "2025-01", 412)
    return school


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def confirm_form(page: str) -> str:
    assert 'id="confirmation"' in page and 'name="confirmed" value="1"' in page and "Confirm: " in page
    return page


def invoices() -> int:
    return db.session.scalar(select(func.count()).select_from(Invoice))


# -- publishing a price list ------------------------------------------------------------------

def test_publishing_a_price_list_asks_first_with_the_rows_and_year(app, client, login):
    build_priced_world(2025, publish=False)
    login("sla")
    page = confirm_form(text(client.post("/prices/2025/publish")))
    assert "Publish the 2025-26 price list?" in page and "7 price row(s) of 2025-26 price list v1" in page
    assert "It is the first published 2025-26 price list." in page
    db.session.expire_all()
    assert price_lists.published(2025) is None and price_lists.draft(2025) is not None
    done = text(client.post("/prices/2025/publish", data={"confirmed": "1"}, follow_redirects=True))
    assert "2025-26 price list v1 is published and frozen." in done
    again = text(client.post("/prices/2025/publish", data={"confirmed": "1"}, follow_redirects=True))
    assert "there is no draft 2025-26 price list to publish" in again
    assert db.session.scalar(select(func.count()).select_from(PriceList)) == 1


def test_publishing_a_new_version_says_the_old_one_is_superseded(school, client, login):
    price_lists.new_version(2025)
    login("sla")
    page = confirm_form(text(client.post("/prices/2025/publish")))
    assert "Version 1, published now, is superseded." in page and "v2" in page


# -- issuing an agreement ---------------------------------------------------------------------

def test_issuing_an_agreement_asks_first_with_its_total_and_schedule(school, client, login):
    draft = agreement_service.create_draft(2025, school=school, from_catalogue=False)
    agreement_service.set_lines(draft, LINES)
    db.session.commit()
    login("sla")
    page = confirm_form(text(client.post(f"/agreements/{draft.id}/issue")))
    assert "Prices are fixed at £2,319.70 a year (before VAT) for 1 April 2025 to 31 March 2026." in page
    assert "Summer term invoice: 1 April 2025 to 31 March 2026." in page
    db.session.expire_all()
    assert db.session.get(Agreement, draft.id).status == "draft"
    done = text(client.post(f"/agreements/{draft.id}/issue", data={"confirmed": "1"}, follow_redirects=True))
    assert "issued: prices are fixed at 2,319.70 a year" in done
    again = text(client.post(f"/agreements/{draft.id}/issue", data={"confirmed": "1"}, follow_redirects=True))
    assert "Not issued:" in again
    # An issued agreement is not asked about again: the refusal says why.
    assert 'id="confirmation"' not in text(client.post(f"/agreements/{draft.id}/issue"))


def test_a_draft_that_cannot_be_issued_is_refused_not_confirmed(school, client, login):
    draft = agreement_service.create_draft(2025, school=school, from_catalogue=False)
    db.session.commit()
    login("sla")
    page = text(client.post(f"/agreements/{draft.id}/issue", follow_redirects=True))
    assert 'id="confirmation"' not in page and "Not issued:" in page


# -- credit notes -----------------------------------------------------------------------------

@pytest.fixture
def billed(school):
    issue_agreement(LINES, school=school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    return db.session.scalar(select(Invoice))


def test_a_credit_note_asks_first_with_the_amount_and_the_invoice(billed, client, login):
    login("finance")
    form = {"scope": "all", "reason": "school closed", "issue_date": "2025-06-01"}
    page = confirm_form(text(client.post(f"/invoices/{billed.number}/credit", data=form)))
    assert f"A credit note of £2,603.64 (gross) against {billed.number}, Allesley Primary School." in page
    assert "Dated 1 June 2025; reason: school closed." in page
    assert 'name="reason" value="school closed"' in page and 'name="credited_before" value="0.00"' in page
    assert invoices() == 1
    confirmed = {**form, "confirmed": "1", "credited_before": "0.00"}
    done = text(client.post(f"/invoices/{billed.number}/credit", data=confirmed, follow_redirects=True))
    assert "issued for £2,603.64" in done and invoices() == 2
    again = text(client.post(f"/invoices/{billed.number}/credit", data=confirmed, follow_redirects=True))
    assert "No credit note issued:" in again and invoices() == 2


def test_a_partial_credit_confirmed_twice_is_issued_once(billed, client, login):
    login("finance")
    sims = next(line for line in billed.lines if line.service_code == "SIMS")
    form = {"scope": "lines", f"line-{sims.id}": "100.00", "reason": "fewer pupils", "issue_date": "2025-06-01"}
    page = confirm_form(text(client.post(f"/invoices/{billed.number}/credit", data=form)))
    assert "A credit note of £120.00 (gross)" in page  # 100.00 net + 20% VAT
    confirmed = {**form, "confirmed": "1", "credited_before": "0.00"}
    client.post(f"/invoices/{billed.number}/credit", data=confirmed)
    again = text(client.post(f"/invoices/{billed.number}/credit", data=confirmed, follow_redirects=True))
    assert "has been credited since you confirmed" in again and invoices() == 2


def test_a_credit_note_that_would_be_refused_is_refused_before_asking(billed, client, login):
    login("finance")
    page = text(client.post(f"/invoices/{billed.number}/credit", data={
        "scope": "lines", f"line-{billed.lines[0].id}": "99999.00", "reason": "x", "issue_date": "2025-06-01"},
        follow_redirects=True))
    assert 'id="confirmation"' not in page and "No credit note issued:" in page and invoices() == 1


# -- invoice runs -----------------------------------------------------------------------------

RUN = {"year": "2025", "term": "summer", "issue_date": "2025-04-10"}


def test_an_invoice_run_asks_first_with_the_count_and_total(school, client, login):
    issue_agreement(LINES, school=school)
    login("finance")
    page = text(client.post("/invoices/runs", data=RUN))
    assert 'id="preview"' in page and 'name="confirmed" value="1"' in page
    assert "<strong>Confirm:</strong> this issues 1 invoice(s), £2,603.64 gross, dated 10 April 2025." in page
    assert invoices() == 0 and db.session.scalar(select(func.count()).select_from(InvoiceRun)) == 0
    assert client.post("/invoices/runs", data={**RUN, "confirmed": "1"}).status_code == 302
    assert invoices() == 1
    client.post("/invoices/runs", data={**RUN, "confirmed": "1"})
    assert invoices() == 1  # confirming again raises nothing twice


def test_the_preview_page_is_the_confirmation(school, client, login):
    issue_agreement(LINES, school=school)
    login("finance")
    page = text(client.get("/invoices/runs?preview=1&year=2025&term=summer&issue_date=2025-04-10"))
    assert 'name="confirmed" value="1"' in page and "Issue 1 invoice(s)" in page
    assert invoices() == 0


def test_a_large_run_is_confirmed_on_a_cheap_count(school, client, login, monkeypatch):
    issue_agreement(LINES, school=school)
    monkeypatch.setattr(invoice_run, "PREVIEW_LIMIT", 0)
    monkeypatch.setattr(invoice_run.run_consequences, "__defaults__", (0,))
    login("finance")
    page = confirm_form(text(client.post("/invoices/runs", data=RUN)))
    assert "1 issued agreement(s) of 2025-26: too many to preview here" in page
    assert "The invoices are dated 10 April 2025." in page and invoices() == 0
    assert client.post("/invoices/runs", data={**RUN, "confirmed": "1"}).status_code == 302
    assert invoices() == 1
