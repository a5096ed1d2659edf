# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The reports list highlights the tab whose reports it shows, "All" included."""

import re

from playwright.sync_api import expect

FILTERS = ("all", "open", "submitted", "approved", "rejected")
ACTIVE = re.compile(r"(^|\s)active(\s|$)")


def expect_selected(page, selected):
    for name in FILTERS:
        tab = page.get_by_test_id(f"status-filter-{name}")
        if name == selected:
            expect(tab).to_have_attribute("aria-selected", "true")
            expect(tab).to_have_class(ACTIVE)
        else:
            expect(tab).to_have_attribute("aria-selected", "false")
            expect(tab).not_to_have_class(ACTIVE)


def rows(page):
    return page.get_by_test_id("report-list").locator("[data-testid^='report-row-']")


def test_all_is_selected_when_the_list_opens(login):
    page = login("alice@tally.test", path="/w/1")
    expect(rows(page)).to_have_count(5)
    expect_selected(page, "all")


def test_all_is_selected_again_after_another_tab(login):
    page = login("bob@tally.test", path="/w/1")
    expect(rows(page)).to_have_count(3)
    expect_selected(page, "all")
    page.get_by_test_id("status-filter-submitted").click()
    expect(page).to_have_url(re.compile(r"/w/1\?status=submitted$"))
    expect(rows(page)).to_have_count(1)
    expect(page.get_by_test_id("report-row-3")).to_be_visible()
    expect_selected(page, "submitted")
    page.get_by_test_id("status-filter-all").click()
    expect(page).to_have_url(re.compile(r"/w/1$"))
    expect(rows(page)).to_have_count(3)
    expect_selected(page, "all")
