"""In Chromium: cookies copied from a signed-in browser ("keep me signed in" ticked) open the
invoices in a second browser until the user signs out in the first; then they open nothing
(issue #16 item 3)."""
from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def test_signing_out_ends_the_session_copied_to_another_browser(browser, live_server, page, make_user):
    user = make_user("finance")
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me signed in on this computer").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    cookies = page.context.cookies()
    remember = next(c for c in cookies if c["name"] == "remember_token")
    assert remember["httpOnly"] and remember["sameSite"] == "Lax"
    assert datetime.fromtimestamp(remember["expires"]) - datetime.now() <= timedelta(days=30, minutes=1)

    thief = browser.new_context(base_url=live_server)
    try:
        thief.add_cookies(cookies)
        stolen = thief.new_page()
        stolen.goto("/invoices/")
        expect(stolen).to_have_url(f"{live_server}/invoices/")  # the copy works while signed in

        page.get_by_role("button", name="Sign out").click()
        expect(page.locator("body")).to_contain_text("You have signed out.")
        stolen.goto("/invoices/")
        expect(stolen).to_have_url(f"{live_server}/login?next=%2Finvoices%2F")
        remember_only = browser.new_context(base_url=live_server)
        remember_only.add_cookies([remember])
        again = remember_only.new_page()
        again.goto("/invoices/")
        expect(again).to_have_url(f"{live_server}/login?next=%2Finvoices%2F")
        remember_only.close()
    finally:
        thief.close()
