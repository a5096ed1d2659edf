# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Sorting the ticket list by priority: Urgent, High, Normal, Low; within a priority the "Due
first" order (unsolved by due time, then solved and closed)."""

from playwright.sync_api import expect


def expect_order(page, ids):
    rows = page.get_by_test_id("ticket-table").locator("tbody tr")
    expect(rows).to_have_count(len(ids))
    for index, ticket_id in enumerate(ids):
        expect(rows.nth(index)).to_have_attribute("data-testid", f"ticket-row-{ticket_id}")


def test_sort_by_priority_in_all_unsolved(login):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-3")).to_be_visible()
    page.get_by_test_id("sort-select").select_option("priority")
    # urgent 3; high 8 (due in 3 h), 1 (in 6 h); normal 5, 12 (overdue), 2, 10; low 4, 11
    expect_order(page, [3, 8, 1, 5, 12, 2, 10, 4, 11])


def test_sort_by_priority_from_a_link(login):
    page = login("priya@desk.test", path="/views/pending?sort=priority")
    expect(page.get_by_test_id("sort-select")).to_have_value("priority")
    # high 8; normal 12 (overdue), 2
    expect_order(page, [8, 12, 2])


def test_sort_by_priority_with_solved_and_closed(login, api):
    api.login("sam@desk.test")
    status, body = api.patch("/api/tickets/11", {"priority": "high"})
    assert status == 200, body
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    page.get_by_test_id("sort-select").select_option("priority")
    # urgent 3; high 8 (due in 3 h), 1 (6 h), 11 (7 h), then solved 9;
    # normal 5, 12, 2, 10, then closed 7; low 4, then solved 6
    expect_order(page, [3, 8, 1, 11, 9, 5, 12, 2, 10, 7, 4, 6])
