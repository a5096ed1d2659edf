# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A report, room or split page puts the app in its own workspace, however it was reached."""

import re

from playwright.sync_api import expect


def expect_euro_ops(page):
    expect(page.get_by_test_id("current-workspace")).to_have_text("Euro Ops")
    expect(page.get_by_test_id("current-role")).to_have_text("Member")
    expect(page.get_by_test_id("room-link-3")).to_be_visible()
    expect(page.get_by_test_id("room-link-1")).to_have_count(0)
    expect(page.get_by_test_id("nav-reports")).to_have_attribute("href", "/w/2")


def alice_report_in_euro_ops(api):
    api.login("alice@tally.test")
    status, report = api.post("/api/workspaces/2/reports", {"title": "Brussels workshop"})
    assert status == 201, report
    return report["id"]


def test_report_of_the_other_workspace(login, api):
    report_id = alice_report_in_euro_ops(api)
    page = login("alice@tally.test", path=f"/reports/{report_id}")
    expect(page.get_by_test_id("report-title")).to_have_text("Brussels workshop")
    expect_euro_ops(page)

    add = page.get_by_test_id("add-expense")
    expect(add).to_be_enabled()
    add.click()
    form = page.get_by_test_id("expense-form")
    expect(form).to_be_visible()
    category = page.get_by_test_id("expense-category")
    expect(category.locator("option[value='6']")).to_have_count(1)
    expect(category.locator("option[value='1']")).to_have_count(0)
    page.get_by_test_id("expense-merchant").fill("Thalys")
    page.get_by_test_id("expense-amount").fill("89.00")
    page.get_by_test_id("expense-currency").select_option("EUR")
    category.select_option("6")
    page.get_by_test_id("expense-date").fill("2024-05-02")
    page.get_by_test_id("expense-save").click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("report-total")).to_have_text("€89.00")
    expect(page.get_by_test_id("expense-table")).to_contain_text("Thalys")


def test_room_of_the_other_workspace(login):
    page = login("alice@tally.test", path="/rooms/3")
    expect(page.get_by_test_id("message-13")).to_be_visible()
    expect_euro_ops(page)
    expect(page.get_by_test_id("room-link-3")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("split-button")).to_be_visible()


def test_split_of_the_other_workspace(login, api):
    api.login("alice@tally.test")
    status, body = api.post(
        "/api/rooms/3/splits",
        {"amount": 4800, "currency": "EUR", "description": "Taxi to Gare du Nord", "participant_ids": [1, 9]},
    )
    assert status == 201, body
    split_id = body["message"]["split"]["id"]
    page = login("alice@tally.test", path=f"/splits/{split_id}")
    expect(page.get_by_test_id("split-detail-description")).to_have_text("Taxi to Gare du Nord")
    expect_euro_ops(page)


def test_search_result_into_the_other_workspace_and_back(login):
    page = login("alice@tally.test", path="/w/1")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Travel")
    expect(page.get_by_test_id("current-role")).to_have_text("Admin")
    box = page.get_by_test_id("search-input")
    box.fill("lisbon")
    box.press("Enter")
    results = page.get_by_test_id("search-results")
    results.get_by_role("link").filter(has_text="the Lisbon report is ready for review").click()
    expect(page).to_have_url(re.compile(r"/rooms/3$"))
    expect(page.get_by_test_id("message-13")).to_be_visible()
    expect_euro_ops(page)
    expect(page.get_by_test_id("split-button")).to_be_visible()

    page.get_by_test_id("nav-reports").click()
    expect(page).to_have_url(re.compile(r"/w/2$"))
    expect(page.get_by_test_id("reports-empty")).to_be_visible()

    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?q=lisbon$"))
    box.fill("offsite")
    box.press("Enter")
    results.get_by_test_id("search-result-report-3").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/reports/3$"))
    expect(page.get_by_test_id("approve-report")).to_be_visible()
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Travel")
    expect(page.get_by_test_id("current-role")).to_have_text("Admin")
    expect(page.get_by_test_id("room-link-1")).to_be_visible()
