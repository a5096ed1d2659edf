# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Shared helpers of tally's regression suite (the demo data is described in the app's README).

Seeded ids never change: Acme Travel is workspace 1 (USD, receipts over $75.00), Euro Ops is
workspace 2 (EUR). Report N has its chat in room N + 3.
"""

import pytest
from playwright.sync_api import expect

ALICE = "alice@tally.test"  # admin of Acme Travel, member of Euro Ops
BOB = "bob@tally.test"  # member of Acme Travel
CAROL = "carol@tally.test"  # auditor of Acme Travel
DAN = "dan@tally.test"  # member of Acme Travel
HENRI = "henri@tally.test"  # admin of Euro Ops only
INES = "ines@tally.test"  # member of Euro Ops only

ACME, EURO = 1, 2
#: an expense date in the past whatever the day the suite runs
PAST_DATE = "2024-05-10"


def expense_body(**overrides):
    body = {
        "merchant": "Blue Bottle",
        "amount": 1250,
        "currency": "USD",
        "category_id": 2,
        "date": PAST_DATE,
        "description": "",
    }
    body.update(overrides)
    return body


def ok(result, expected=200):
    """The body of an API answer, after checking its status."""
    status, body = result
    assert status == expected, f"expected HTTP {expected}, got {status}: {body}"
    return body


def settle(page):
    """Wait until the page has painted twice and run what it scheduled after paint (Preact
    runs its effects then): a key pressed before that can be undone by an effect of the
    typing before it, which no user is fast enough to see."""
    page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => "
        "setTimeout(r, 0))))"
    )


def mark_page(page):
    """Tag the current document: a full page load drops the tag."""
    page.evaluate("window.__marker = 1")


def assert_no_reload(page, what):
    assert page.evaluate("window.__marker") == 1, f"{what} reloaded the whole page"


def open_in_app(page, href):
    """Navigate in place as an in-app link would (History API), without loading the page."""
    page.evaluate(
        "href => { history.pushState(null, '', href); dispatchEvent(new PopStateEvent('popstate')); }",
        href,
    )


@pytest.fixture
def as_user(api):
    """``as_user(email)`` signs the API client in and returns it."""

    def _as(email):
        api.login(email)
        return api

    return _as


@pytest.fixture
def fresh_api(api, app_url):
    """A factory of independent API clients (one per user in a test)."""

    def _make(email):
        client = type(api)(app_url)
        client.login(email)
        return client

    return _make


def wait_report_loaded(page, title):
    expect(page.get_by_test_id("report-title")).to_have_text(title)
