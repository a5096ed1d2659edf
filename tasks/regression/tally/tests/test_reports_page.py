# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The reports list of a workspace: rows, amounts, status tabs, creating a report."""

from conftest import ALICE, BOB, CAROL, assert_no_reload, mark_page
from playwright.sync_api import expect


def test_reports_list_shows_totals_as_money_and_statuses(login):
    page = login(ALICE, path="/w/1")
    expect(page.get_by_test_id("report-amount-1")).to_have_text("$830.50")
    expect(page.get_by_test_id("report-amount-2")).to_have_text("$194.73")
    expect(page.get_by_test_id("report-amount-3")).to_have_text("$1,133.00")
    expect(page.get_by_test_id("report-status-3")).to_have_text("Submitted")
    expect(page.get_by_test_id("report-status-4")).to_have_text("Approved")
    expect(page.get_by_test_id("report-status-5")).to_have_text("Rejected")
    expect(page.get_by_text("Receipts are required for expenses over $75.00.")).to_be_visible()


def test_member_sees_only_their_reports(login):
    page = login(BOB, path="/w/1")
    expect(page.get_by_test_id("report-row-2")).to_be_visible()
    expect(page.get_by_test_id("report-list").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("report-row-1")).to_have_count(0)


def test_status_tabs_filter_the_list_and_show_which_is_selected(login):
    page = login(ALICE, path="/w/1")
    expect(page.get_by_test_id("status-filter-all")).to_have_attribute("aria-selected", "true")
    mark_page(page)
    page.get_by_test_id("status-filter-submitted").click()
    expect(page).to_have_url("/w/1?status=submitted")
    expect(page.get_by_test_id("report-row-3")).to_be_visible()
    expect(page.get_by_test_id("report-list").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("status-filter-submitted")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.get_by_test_id("status-filter-all")).to_have_attribute("aria-selected", "false")
    page.get_by_test_id("status-filter-all").click()
    expect(page.get_by_test_id("report-list").locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("status-filter-all")).to_have_attribute("aria-selected", "true")
    assert_no_reload(page, "the status tabs")


def test_status_filter_in_the_url_is_applied_on_load(login):
    page = login(BOB, path="/w/1?status=rejected")
    expect(page.get_by_test_id("report-row-5")).to_be_visible()
    expect(page.get_by_test_id("report-list").locator("tbody tr")).to_have_count(1)


def test_empty_filter_shows_empty_state(login):
    page = login(BOB, path="/w/1?status=approved")
    expect(page.get_by_test_id("reports-empty")).to_be_visible()


def test_auditor_cannot_create_reports(login):
    page = login(CAROL, path="/w/1")
    expect(page.get_by_test_id("report-row-1")).to_be_visible()
    expect(page.get_by_test_id("new-report-button")).to_have_count(0)


def test_creating_a_report_opens_it_in_place(login):
    page = login(BOB, path="/w/1")
    mark_page(page)
    page.get_by_test_id("new-report-button").click()
    page.get_by_test_id("new-report-title").fill("June travel")
    page.get_by_test_id("new-report-submit").click()
    expect(page.get_by_test_id("report-title")).to_have_text("June travel")
    expect(page).to_have_url("/reports/8")
    expect(page.get_by_test_id("report-status")).to_have_text("Open")
    expect(page.get_by_test_id("report-total")).to_have_text("$0.00")
    expect(page.get_by_test_id("expenses-empty")).to_be_visible()
    assert_no_reload(page, "creating a report")


def test_blank_report_title_shows_the_error(login):
    page = login(BOB, path="/w/1")
    page.get_by_test_id("new-report-button").click()
    page.get_by_test_id("new-report-title").fill("   ")
    page.get_by_test_id("new-report-submit").click()
    expect(page.get_by_test_id("new-report-error")).to_have_text("Title is required")
    expect(page).to_have_url("/w/1")


def test_report_link_opens_the_report_in_place(login):
    page = login(ALICE, path="/w/1")
    mark_page(page)
    page.get_by_test_id("report-link-2").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office supplies")
    page.get_by_test_id("back-to-reports").click()
    expect(page.get_by_test_id("report-row-2")).to_be_visible()
    assert_no_reload(page, "opening a report and going back")


def test_browser_back_and_forward_follow_in_app_navigation(login):
    page = login(ALICE, path="/w/1")
    mark_page(page)
    page.get_by_test_id("report-link-4").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Chicago conference")
    page.go_back()
    expect(page).to_have_url("/w/1")
    expect(page.get_by_test_id("report-row-4")).to_be_visible()
    page.go_forward()
    expect(page.get_by_test_id("report-title")).to_have_text("Chicago conference")
    assert_no_reload(page, "back/forward between in-app pages")
