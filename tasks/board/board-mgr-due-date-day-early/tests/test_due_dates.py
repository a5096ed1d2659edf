# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A due date is a calendar date: every viewer sees the same day whatever their time zone and
whatever the season (daylight saving time on either side, either hemisphere), and "due today" or
"overdue" counts whole days in the viewer's zone. The task's zone is America/New_York."""

import time

import pytest
from playwright.sync_api import expect

# the extra contexts' Date, on the task's clock as the page fixture's is
PINNED_DATE_JS = """(() => {
  const offset = %d;
  const Real = Date;
  const now = () => Real.now() + offset;
  function Date_(...args) {
    if (!new.target) return new Real(now()).toString();
    return Reflect.construct(Real, args.length ? args : [now()], new.target);
  }
  Object.defineProperties(Date_, Object.getOwnPropertyDescriptors(Real));
  Date_.now = now;
  Real.prototype.constructor = Date_;
  globalThis.Date = Date_;
})();"""

# due dates given on top of the seeded ones (WEB-5: 2025-01-15, WEB-3: 01-10, WEB-17: 01-31)
EXTRA_DUE = {
    "WEB-7": "2025-07-10",  # northern summer, southern winter
    "WEB-12": "2026-01-01",  # next year
    "WEB-16": "2025-03-09",  # the day daylight saving time starts in the US
}
SHOWN = {
    "WEB-5": "Jan 15",
    "WEB-3": "Jan 10",
    "WEB-17": "Jan 31",
    "WEB-7": "Jul 10",
    "WEB-12": "Jan 1, 2026",
    "WEB-16": "Mar 9",
}


@pytest.fixture
def extra_due_dates(api):
    api.login("ben@board.test")
    for key, due in EXTRA_DUE.items():
        status, body = api.patch(f"/api/issues/{key}", {"due_date": due})
        assert status == 200, body


def expect_list_dates(page, zone):
    expect(page.get_by_test_id("issue-list")).to_be_visible()
    wrong = []
    for key, text in SHOWN.items():
        cell = page.get_by_test_id(f"issue-row-due-{key}")
        try:
            expect(cell).to_have_text(text)
        except AssertionError:
            wrong.append(f"{key} due {EXTRA_DUE.get(key, 'as seeded')} shows {cell.inner_text()!r}, not {text!r}")
    assert not wrong, f"in {zone}, the Web list shows due dates on the wrong day: " + "; ".join(wrong)


def open_list_in_zone(browser, app_url, now, zone):
    context = browser.new_context(
        timezone_id=zone, base_url=app_url, viewport={"width": 1280, "height": 800}, service_workers="block"
    )
    context.add_init_script(PINNED_DATE_JS % round((now().timestamp() - time.time()) * 1000))
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto("/projects/WEB")
    page.get_by_test_id("login-email").fill("ada@board.test")
    page.get_by_test_id("login-password").fill("password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("project-list-page")).to_be_visible()
    return context, page


def test_due_dates_in_new_york(login, extra_due_dates):
    page = login("ben@board.test", path="/projects/WEB")
    expect_list_dates(page, "America/New_York")
    page.goto("/projects/WEB/board")
    due = page.get_by_test_id("board-card-WEB-5").locator(".due")
    try:
        expect(due).to_have_text("Jan 15")
    except AssertionError:
        raise AssertionError(f"on the board in New York, WEB-5 due 2025-01-15 shows {due.inner_text()!r}") from None
    page.goto("/projects/WEB/cycles")
    dates = page.get_by_test_id("cycle-dates-2")
    try:
        expect(dates).to_have_text("Jan 6 – Jan 19")
    except AssertionError:
        raise AssertionError(f"Sprint 2 runs 2025-01-06 to 01-19; in New York it shows {dates.inner_text()!r}") from None


def test_issue_page_due_description(login, api):
    api.login("ben@board.test")
    status, body = api.patch("/api/issues/WEB-16", {"due_date": "2025-01-16"})
    assert status == 200, body
    # on 2025-01-15 in New York (Ben's profile zone): whole days from today, a week or more as a date
    expected = {
        "WEB-5": "Due today",
        "WEB-16": "Due tomorrow",
        "WEB-2": "Due in 2 days",
        "WEB-3": "5 days overdue",
        "WEB-17": "Due Jan 31",
    }
    page = login("ben@board.test", path="/issues/WEB-5")
    wrong = []
    for index, (key, text) in enumerate(expected.items()):
        if index:
            page.goto(f"/issues/{key}")
        expect(page.get_by_test_id("issue-key")).to_have_text(key)
        description = page.get_by_test_id("issue-due-description")
        try:
            expect(description).to_have_text(text)
        except AssertionError:
            wrong.append(f"{key}: {description.inner_text()!r} instead of {text!r}")
    assert not wrong, "the issue page describes the due dates wrongly in New York: " + "; ".join(wrong)


def test_due_dates_in_santiago(browser, app_url, now, extra_due_dates):
    context, page = open_list_in_zone(browser, app_url, now, "America/Santiago")
    try:
        expect_list_dates(page, "America/Santiago")
    finally:
        context.close()


def test_due_dates_in_auckland(browser, app_url, now, extra_due_dates):
    context, page = open_list_in_zone(browser, app_url, now, "Pacific/Auckland")
    try:
        expect_list_dates(page, "Pacific/Auckland")
    finally:
        context.close()
