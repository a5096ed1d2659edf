# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The project list page (/projects/:key): rows in priority order, filters, sort and grouping
kept in the URL across reloads, saved views, and "Load more" pagination."""

import re

from conftest import ADA, BEN, new_issue, ok, row_keys
from playwright.sync_api import expect

DEFAULT_ORDER = [
    "WEB-13",
    "WEB-3",
    "WEB-4",
    "WEB-5",
    "WEB-1",
    "WEB-10",
    "WEB-17",
    "WEB-16",
    "WEB-9",
    "WEB-2",
    "WEB-6",
    "WEB-8",
    "WEB-15",
    "WEB-11",
    "WEB-14",
    "WEB-7",
    "WEB-12",
]


def open_list(login, path="/projects/WEB", email=ADA):
    page = login(email, path=path)
    expect(page.get_by_test_id("issue-list")).to_be_visible()
    return page


def test_rows_are_in_priority_order_with_their_details(login):
    page = open_list(login)
    expect(page.get_by_test_id("issue-count")).to_have_text("17 issues")
    assert row_keys(page) == DEFAULT_ORDER
    expect(page.get_by_test_id("issue-row-status-WEB-4")).to_have_text("In Review")
    expect(page.get_by_test_id("issue-row-priority-WEB-13")).to_have_attribute(
        "data-priority", "urgent"
    )
    expect(page.get_by_test_id("issue-row-due-WEB-3")).to_have_attribute("data-overdue", "true")
    expect(page.get_by_test_id("issue-row-due-WEB-5")).to_have_attribute("data-overdue", "false")
    expect(page.get_by_test_id("issue-row-due-WEB-5")).to_have_text("Jan 15")
    expect(page.get_by_test_id("issue-row-subissues-WEB-1")).to_have_text("1/3 sub-issues done")
    expect(page.get_by_test_id("issue-row-blocked-WEB-6")).to_have_text("Blocked")
    expect(page.get_by_test_id("issue-row-estimate-WEB-1")).to_have_text("8 pt")
    expect(page.get_by_test_id("issue-row-comments-WEB-1")).to_have_text("2")
    expect(page.get_by_test_id("issue-row-assignee-WEB-1")).to_have_text("BC")


def test_a_status_filter_goes_into_the_url_and_survives_a_reload(login):
    page = open_list(login)
    page.get_by_test_id("filter-status").click()
    page.get_by_test_id("filter-status-in_progress").check()
    page.get_by_test_id("filter-status-in_review").check()
    expect(page).to_have_url(re.compile(r"/projects/WEB\?status=in_progress,in_review$"))
    expect(page.get_by_test_id("issue-count")).to_have_text("4 issues")
    assert row_keys(page) == ["WEB-3", "WEB-4", "WEB-1", "WEB-9"]
    page.reload()
    expect(page.get_by_test_id("issue-count")).to_have_text("4 issues")
    expect(page.get_by_test_id("filter-status")).to_contain_text("In Progress +1")
    assert row_keys(page) == ["WEB-3", "WEB-4", "WEB-1", "WEB-9"]


def test_sort_and_group_are_kept_in_the_url_across_a_reload(login):
    page = open_list(login)
    page.get_by_test_id("sort-select").select_option("due")
    expect(page).to_have_url(re.compile(r"\?sort=due$"))
    expect(page.locator("li.issue-row").first).to_have_attribute("data-testid", "issue-row-WEB-3")
    page.get_by_test_id("group-select").select_option("status")
    expect(page).to_have_url(re.compile(r"\?sort=due&group=status$"))
    expect(page.get_by_test_id("issue-group-count-todo")).to_have_text("7")
    page.reload()
    expect(page.get_by_test_id("sort-select")).to_have_value("due")
    expect(page.get_by_test_id("group-select")).to_have_value("status")
    expect(page.get_by_test_id("issue-group-count-in_progress")).to_have_text("3")
    rows = page.get_by_test_id("issue-group-todo").locator("li.issue-row")
    expect(rows.first).to_have_attribute("data-testid", "issue-row-WEB-13")


def test_the_overdue_filter_and_clear_filters(login):
    page = open_list(login, path="/projects/WEB?overdue=true&priority=urgent")
    expect(page.get_by_test_id("filter-overdue")).to_be_checked()
    expect(page.get_by_test_id("issue-count")).to_have_text("2 issues")
    assert row_keys(page) == ["WEB-13", "WEB-3"]
    expect(page.get_by_test_id("filter-clear")).to_have_text("Clear filters (2)")
    page.get_by_test_id("filter-clear").click()
    expect(page).to_have_url(re.compile(r"/projects/WEB$"))
    expect(page.get_by_test_id("issue-count")).to_have_text("17 issues")


def test_a_saved_view_link_applies_its_filters(login):
    page = open_list(login)
    page.get_by_test_id("saved-view-link-1").click()
    expect(page).to_have_url(re.compile(r"/projects/WEB\?priority=urgent,high&sort=due$"))
    expect(page.get_by_test_id("issue-count")).to_have_text("6 issues")
    expect(page.get_by_test_id("sort-select")).to_have_value("due")
    assert row_keys(page) == ["WEB-3", "WEB-13", "WEB-4", "WEB-5", "WEB-1", "WEB-10"]
    expect(page.get_by_test_id("saved-view-2")).to_have_count(0)  # "Overdue" belongs to My issues


def test_saving_the_current_filters_as_a_view(login, api):
    page = open_list(login, path="/projects/WEB?status=todo&sort=created", email=BEN)
    page.get_by_test_id("save-view").click()
    page.get_by_test_id("save-view-name").fill("Fresh todos")
    page.get_by_test_id("save-view-submit").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Saved view “Fresh todos”")
    expect(page.get_by_test_id("saved-view-4")).to_contain_text("Fresh todos")
    api.login(BEN)
    view = next(v for v in ok(api.get("/api/views")) if v["name"] == "Fresh todos")
    assert (view["query"], view["project_key"]) == ("status=todo&sort=created", "WEB")


def test_load_more_fetches_the_next_page_of_50(login, admin):
    for n in range(40):
        new_issue(admin, title=f"Bulk issue {n:02d}", priority="urgent")
    page = open_list(login, path="/projects/WEB?sort=created")
    expect(page.get_by_test_id("issue-count")).to_have_text("57 issues (showing 50)")
    expect(page.locator("li.issue-row")).to_have_count(50)
    page.get_by_test_id("load-more").click()
    expect(page.locator("li.issue-row")).to_have_count(57)
    expect(page.get_by_test_id("issue-count")).to_have_text("57 issues")
    expect(page.get_by_test_id("load-more")).to_have_count(0)
    assert row_keys(page)[-1] == "WEB-7"
