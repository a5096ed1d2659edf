# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The browser's Back/Forward show the page of the address; a search is one history entry; the
search box follows the URL; modifier clicks on links open new tabs."""

import re

from playwright.sync_api import expect


def expect_reports_list(page, rows=5):
    expect(page).to_have_url(re.compile(r"/w/1$"))
    expect(page.get_by_test_id("report-list").locator("[data-testid^='report-row-']")).to_have_count(rows)


def expect_nyc_report(page):
    expect(page).to_have_url(re.compile(r"/reports/1$"))
    expect(page.get_by_test_id("report-title")).to_have_text("NYC client visit")


def expect_travel_room(page):
    expect(page).to_have_url(re.compile(r"/rooms/2$"))
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("message-7")).to_be_visible()


def test_back_and_forward_show_the_page_of_the_address(login):
    page = login("alice@tally.test", path="/w/1")
    expect_reports_list(page)
    page.get_by_test_id("report-link-1").click()
    expect_nyc_report(page)
    page.get_by_test_id("room-link-2").click()
    expect_travel_room(page)

    page.go_back()
    expect_nyc_report(page)
    expect(page.get_by_test_id("room-title")).to_have_count(0)
    page.go_back()
    expect_reports_list(page)
    expect(page.get_by_test_id("report-title")).to_have_count(0)
    page.go_forward()
    expect_nyc_report(page)
    page.go_forward()
    expect_travel_room(page)

    # the status tabs still replace the entry, and Back comes back to the tab that was chosen
    page.get_by_test_id("nav-reports").click()
    expect_reports_list(page)
    page.get_by_test_id("status-filter-submitted").click()
    expect(page).to_have_url(re.compile(r"/w/1\?status=submitted$"))
    page.get_by_test_id("report-link-3").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Berlin offsite")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/w/1\?status=submitted$"))
    expect(page.get_by_test_id("status-filter-submitted")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("report-list").locator("[data-testid^='report-row-']")).to_have_count(1)


def test_a_search_is_one_history_entry(login):
    page = login("alice@tally.test", path="/w/1")
    expect_reports_list(page)
    box = page.get_by_test_id("search-input")
    box.press_sequentially("hot")
    expect(page).to_have_url(re.compile(r"/search\?q=hot$"))
    box.press_sequentially("el")
    expect(page).to_have_url(re.compile(r"/search\?q=hotel$"))
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("search-result-expense-3")).to_be_visible()
    box.fill("adlon")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=adlon$"))
    expect(results.get_by_test_id("search-result-expense-9")).to_be_visible()
    expect(results.get_by_test_id("search-result-expense-3")).to_have_count(0)

    page.go_back()
    expect_reports_list(page)
    expect(page.get_by_test_id("search-results")).to_have_count(0)


def test_search_box_follows_back_and_forward(login):
    page = login("alice@tally.test", path="/w/1")
    expect_reports_list(page)
    box = page.get_by_test_id("search-input")
    results = page.get_by_test_id("search-results")
    # the box searches as you type (Enter right after typing is another test's business)
    box.fill("hotel")
    expect(page).to_have_url(re.compile(r"/search\?q=hotel$"))
    results.get_by_test_id("search-result-expense-3").get_by_role("link").click()
    expect_nyc_report(page)
    box.fill("berlin")
    expect(page).to_have_url(re.compile(r"/search\?q=berlin$"))
    expect(results.get_by_test_id("search-result-report-3")).to_be_visible()

    page.go_back()
    expect_nyc_report(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?q=hotel$"))
    expect(results.get_by_test_id("search-result-expense-3")).to_be_visible()
    expect(results.get_by_test_id("search-result-report-3")).to_have_count(0)
    expect(box).to_have_value("hotel")

    page.go_forward()
    expect_nyc_report(page)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/search\?q=berlin$"))
    expect(results.get_by_test_id("search-result-report-3")).to_be_visible()
    expect(box).to_have_value("berlin")


def test_modifier_click_opens_a_new_tab(login):
    page = login("alice@tally.test", path="/w/1")
    expect_reports_list(page)
    for modifier, link in (("ControlOrMeta", "report-link-1"), ("Shift", "room-link-2")):
        with page.context.expect_page() as opened:
            page.get_by_test_id(link).click(modifiers=[modifier])
        tab = opened.value
        expected = "/reports/1" if link == "report-link-1" else "/rooms/2"
        # a new window starts at about:blank before it navigates: wait for where it goes
        expect(tab).to_have_url(re.compile(re.escape(expected) + "$"))
        tab.close()
        expect_reports_list(page)

    page.get_by_test_id("report-link-2").click()
    expect(page).to_have_url(re.compile(r"/reports/2$"))
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office supplies")
    assert len(page.context.pages) == 1, [p.url for p in page.context.pages]


def test_back_and_forward_stay_in_the_app(login):
    """Back and Forward between the app's pages are the app's own navigation, as its links
    are: the page changes without the whole app being loaded again."""
    page = login("alice@tally.test", path="/w/1")
    expect_reports_list(page)
    page.evaluate("() => { window.__sameAppSession = true; }")
    page.get_by_test_id("report-link-1").click()
    expect_nyc_report(page)
    page.get_by_test_id("room-link-2").click()
    expect_travel_room(page)
    page.go_back()
    expect_nyc_report(page)
    page.go_back()
    expect_reports_list(page)
    page.go_forward()
    expect_nyc_report(page)
    assert page.evaluate("() => window.__sameAppSession === true"), "Back/Forward reloaded the app"
