"""The SLA team makes every filled-in SLA of a year as one ZIP from the SLA templates page and
watches the bar finish (a real consumer runs the job)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.jobs.conftest import start_consumer  # noqa: F401 - the consumer fixture
from tests.jobs.helpers import priced_world, zip_texts


def test_every_sla_as_a_zip_with_a_progress_bar(page, sign_in, make_user, make_school, start_consumer, tmp_path):  # noqa: F811
    schools = priced_world(make_school, next_year=False)
    consumer = start_consumer(start=False)
    sign_in(make_user("sla"))
    page.get_by_role("link", name="SLA templates").click()
    form = page.locator("#start-documents")
    form.get_by_label(re.compile("SLA year")).fill("2025")
    form.get_by_role("button", name="Make the ZIP").click()

    expect(page.get_by_role("heading", name="Every SLA document as a ZIP")).to_be_visible()
    expect(page.locator("#job-bar")).to_be_visible()
    expect(page.locator("#job-counts")).to_have_text("Waiting for a worker to take it.")
    consumer.start()  # only now: the page already shown must follow the job by itself
    # The script polls the status and reloads when the job ends: the counts and the link appear.
    expect(page.locator("#job-state")).to_have_text("done", timeout=120_000)
    expect(page.locator("#job-counts")).to_have_text("Done: 3 of 3.")
    expect(page.locator("#job-bar")).to_have_attribute("value", "3")
    with page.expect_download() as info:
        page.locator("#job-download").click()
    path = tmp_path / "every.zip"
    info.value.save_as(path)
    texts = zip_texts(path.read_bytes())
    assert len(texts) == 3 and all(any(s.name in t for t in texts.values()) for s in schools)

    page.get_by_role("link", name="Recent jobs").click()
    expect(page.locator("#jobs")).to_contain_text("Every SLA document as a ZIP 2025-26")
