"""Issue #30: every page each role can reach, swept in Chromium at a desktop (1366 px) and a phone
(390 px) width - axe-core's WCAG 2.2 AA rules find no violation, the page never scrolls sideways
and the browser logs no console error. The pages come from the app's routes and the access test's
world (tests/app/access_areas/), so a new page is swept as soon as its access is declared."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Trust, TrustMembership
from tests.app.test_access import EXPECTED, TRUST_SCOPED, routes, url_for_rule, world  # noqa: F401 - the fixture

WIDTHS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
# Pages the world's URLs do not reach by themselves: a year with no price list yet.
MORE = {"catalogue.price_list": ["/prices/2031"]}
SKIP = {"auth.login", "auth.logout"}  # the sweep signs in once and stays signed in
# After a resize: two frames, so the page's resize handlers (static/tables.js) have run.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
# What sticks out, for the report: the first few innermost elements past the window's right edge.
TOO_WIDE = """() => {
  const out = e => e.getBoundingClientRect().right > innerWidth;
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  return [...document.querySelectorAll('body *')].filter(e => out(e) && !clipped(e) && ![...e.children].some(out))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))
    .join(' ');
}"""


def pages_for(app, world, role: str, trust_user: bool) -> list[str]:  # noqa: F811 - the fixture's value
    """The GET URLs this role may open (a trust user also the trust's own pages)."""
    urls = []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in SKIP or role not in EXPECTED[rule.endpoint]:
            continue
        if role == "school" and rule.endpoint in TRUST_SCOPED and not trust_user:
            continue  # another school's trust: 404 by design
        urls.append(url_for_rule(rule, world, world["own"]))
        urls += MORE.get(rule.endpoint, [])
    urls.append("/api/v1/docs")  # the API's reference page (the API's other doors answer JSON)
    return sorted(set(urls))


def sweep(page, urls: list[str]) -> dict[str, list[str]]:
    """Each HTML page at each width: axe violations, sideways scrolling, console errors."""
    axe = Axe()
    found: dict[str, list[str]] = {}
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    seen = set()
    for url in urls:
        response = page.request.get(url)
        if not response.ok:
            found.setdefault(f"status {response.status}", []).append(url)
            continue
        if "text/html" not in response.headers.get("content-type", "") or response.url in seen:
            continue  # files (PDF, CSV, XLSX, JSON) and pages already swept under another URL
        if "sandbox" in response.headers.get("content-security-policy", ""):
            continue  # an email's own HTML, shown sandboxed as a mail program would (no script runs there)
        seen.add(response.url)
        console.clear()
        page.set_viewport_size(WIDTHS[0])
        page.goto(url)
        for size in WIDTHS:
            page.set_viewport_size(size)
            page.evaluate(SETTLED)
            width = size["width"]
            for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
                found.setdefault(f"axe {width} {violation['id']}", []).append(url)
            if page.evaluate(SIDEWAYS) > 0:
                found.setdefault(f"sideways {width}", []).append(f"{url} ({page.evaluate(TOO_WIDE)})")
        for text in console:
            found.setdefault(f"console {text[:80]}", []).append(url)
    return found


@pytest.fixture
def trust_user(world, make_user):  # noqa: F811 - the fixture
    """A school-role user scoped to the access world's trust, whose academy is the own school."""
    trust = db.session.scalar(select(Trust).where(Trust.code == "4001"))
    db.session.add(TrustMembership(trust=trust, school=world["own"]))
    user = make_user("school", email="trust-user@test.example")
    user.trust = trust
    db.session.commit()
    return user


@pytest.mark.parametrize("role", ["admin", "sla", "finance", "school", "trust"])
def test_every_page_is_accessible_at_both_widths(app, page, sign_in, make_user, world, trust_user,  # noqa: F811
                                                  role):
    if role == "trust":
        user = trust_user
    else:
        user = make_user(role, school=world["own"] if role == "school" else None)
    sign_in(user)
    urls = pages_for(app, world, "school" if role == "trust" else role, role == "trust")
    assert len(urls) > 10
    found = sweep(page, urls)
    report = "\n".join(f"{problem}: {len(where)} pages: {', '.join(where)}" for problem, where in sorted(found.items()))
    assert not found, report
