# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Calendar dates (expense dates, report created/submitted days) read the same in every time
zone."""

import re

import pytest

from playwright.sync_api import expect


def in_time_zone(page, zone):
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setTimezoneOverride", {"timezoneId": zone})
    return page


def test_report_dates_in_new_york(page, login):
    in_time_zone(page, "America/New_York")
    login("alice@tally.test", path="/reports/1")
    for expense_id, day in ((1, "May 2, 2024"), (2, "May 3, 2024"), (3, "May 3, 2024"), (4, "May 4, 2024")):
        expect(page.get_by_test_id(f"expense-date-{expense_id}")).to_have_text(day)

    page.get_by_test_id("back-to-reports").click()
    expect(page.get_by_test_id("report-row-1")).to_contain_text("May 6, 2024")
    expect(page.get_by_test_id("report-row-3")).to_contain_text("Apr 20, 2024")
    expect(page.get_by_test_id("report-row-4")).to_contain_text("Mar 12, 2024")

    page.get_by_test_id("report-link-3").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    expect(page.get_by_text(re.compile(r"^Submitted Apr 28, 2024$"))).to_be_visible()
    expect(page.get_by_test_id("expense-date-8")).to_have_text("Apr 18, 2024")
    expect(page.get_by_test_id("expense-date-9")).to_have_text("Apr 19, 2024")


def test_search_dates_in_los_angeles(page, login):
    in_time_zone(page, "America/Los_Angeles")
    login("alice@tally.test", path="/search")
    box = page.get_by_test_id("search-input")
    box.fill("hotel")
    box.press("Enter")
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("search-result-expense-3")).to_contain_text("May 3, 2024")
    expect(results.get_by_test_id("search-result-expense-9")).to_contain_text("Apr 19, 2024")
    expect(results.get_by_test_id("search-result-expense-11")).to_contain_text("Mar 11, 2024")


def test_dates_east_of_utc_stay_right(page, login):
    in_time_zone(page, "Pacific/Auckland")
    login("henri@tally.test", path="/reports/6")
    expect(page.get_by_test_id("expense-date-13")).to_have_text("Apr 29, 2024")
    expect(page.get_by_test_id("expense-date-14")).to_have_text("Apr 30, 2024")
    expect(page.get_by_test_id("expense-date-15")).to_have_text("Apr 30, 2024")


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Auckland"])
def test_dates_on_both_sides_of_daylight_saving_time(page, login, api, zone):
    """A January and a July date: one is in summer time and the other not, in a zone whose
    offset changes over the year; both read as entered, whatever the date of the run."""
    api.login("alice@tally.test")
    for expense_id, day in ((1, "2024-01-15"), (2, "2024-07-15")):
        status, body = api.patch(f"/api/expenses/{expense_id}", {"date": day})
        assert status == 200, body
    in_time_zone(page, zone)
    login("alice@tally.test", path="/reports/1")
    expect(page.get_by_test_id("expense-date-1")).to_have_text("Jan 15, 2024")
    expect(page.get_by_test_id("expense-date-2")).to_have_text("Jul 15, 2024")
