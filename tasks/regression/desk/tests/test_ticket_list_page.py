# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The ticket list: the sidebar's views and counts, tag filter, sorting and bulk actions."""

import re

from playwright.sync_api import expect

STAFF_COUNTS = {
    "mine": 3,
    "unassigned": 3,
    "unsolved": 9,
    "overdue": 3,
    "pending": 3,
    "solved": 2,
    "all": 12,
}


def test_agent_sidebar_shows_every_view_with_its_count(login):
    page = login("sam@desk.test")
    for view, count in STAFF_COUNTS.items():
        expect(page.get_by_test_id(f"view-count-{view}")).to_have_text(str(count))
    expect(page.get_by_test_id("view-mine")).to_contain_text("My unsolved tickets")
    expect(page.get_by_test_id("nav-settings")).to_be_visible()
    expect(page.get_by_test_id("new-ticket")).to_have_text("New ticket")


def test_agent_first_view_lists_their_unsolved_tickets(login, row_ids):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("ticket-count")).to_have_text("3 tickets")
    assert sorted(row_ids(page)) == [1, 5, 8]
    expect(page.get_by_test_id("ticket-link-1")).to_contain_text(
        "Can't sign in after resetting my password"
    )
    expect(page.get_by_test_id("ticket-status-8")).to_have_text("Pending")
    expect(page.get_by_test_id("ticket-priority-1")).to_have_text("High")
    expect(page.get_by_test_id("ticket-assignee-5")).to_have_text("Sam Sato")
    expect(page.get_by_test_id("ticket-due-5")).to_have_text(
        re.compile(r"^(Overdue by|Due in) \d+ (min|h|days?)$")
    )
    expect(page.get_by_test_id("ticket-updated-1")).not_to_be_empty()
    expect(page.get_by_test_id("ticket-tags-5")).to_contain_text("refund")


def test_customer_sees_their_requests_without_agent_controls(login, row_ids):
    page = login("carla@desk.test")
    expect(page.get_by_test_id("view-title")).to_have_text("My requests")
    expect(page.get_by_test_id("ticket-count")).to_have_text("3 tickets")
    assert sorted(row_ids(page)) == [1, 5, 9]
    for view, count in {"requests": 3, "open-requests": 2, "solved-requests": 1}.items():
        expect(page.get_by_test_id(f"view-count-{view}")).to_have_text(str(count))
    expect(page.get_by_test_id("new-ticket")).to_have_text("Submit a request")
    expect(page.get_by_test_id("nav-settings")).to_have_count(0)
    expect(page.get_by_test_id("select-1")).to_have_count(0)
    expect(page.get_by_test_id("select-all")).to_have_count(0)
    expect(page.get_by_test_id("ticket-assignee-1")).to_have_count(0)


def test_sidebar_view_links_navigate_without_reloading(login, row_ids):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("ticket-row-1")).to_be_visible()
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("view-unassigned").click()
    expect(page).to_have_url(re.compile(r"/views/unassigned$"))
    expect(page.get_by_test_id("view-title")).to_have_text("Unassigned")
    expect(page.get_by_test_id("ticket-count")).to_have_text("3 tickets")
    assert sorted(row_ids(page)) == [3, 4, 11]
    page.get_by_test_id("view-solved").click()
    expect(page.get_by_test_id("ticket-count")).to_have_text("2 tickets")
    assert sorted(row_ids(page)) == [6, 9]
    assert page.evaluate("window.__marker") == 1, "switching views reloaded the whole page"


def test_empty_view_says_so(login):
    page = login("ada@desk.test")
    expect(page.get_by_test_id("tickets-empty")).to_be_visible()
    expect(page.get_by_test_id("ticket-count")).to_have_text("0 tickets")
    expect(page.get_by_test_id("ticket-table")).to_have_count(0)


def test_unknown_view_shows_an_error(login):
    page = login("sam@desk.test", path="/views/nope")
    expect(page.get_by_test_id("tickets-error")).to_be_visible()


def test_clicking_a_tag_filters_the_list_and_clear_removes_the_filter(login, row_ids):
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-count")).to_have_text("12 tickets")
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("ticket-tags-5").get_by_text("billing", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]tag=billing"))
    expect(page.get_by_test_id("tag-filter")).to_have_text("billing")
    expect(page.get_by_test_id("ticket-count")).to_have_text("3 tickets")
    assert sorted(row_ids(page)) == [2, 5, 11]
    page.get_by_test_id("clear-tag-filter").click()
    expect(page.get_by_test_id("ticket-count")).to_have_text("12 tickets")
    expect(page.get_by_test_id("tag-filter")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1, "the tag filter reloaded the whole page"


def test_tag_filter_from_the_address(login, row_ids):
    page = login("sam@desk.test", path="/views/unsolved?tag=login")
    expect(page.get_by_test_id("tag-filter")).to_have_text("login")
    expect(page.get_by_test_id("ticket-count")).to_have_text("1 ticket")
    assert row_ids(page) == [1]


def test_default_sort_is_due_first(login, row_ids):
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-count")).to_have_text("12 tickets")
    expect(page.get_by_test_id("sort-select")).to_have_value("due")
    order = row_ids(page)
    assert order[:9] == [5, 12, 3, 8, 2, 1, 10, 4, 11], f"unsolved by due time first, got {order}"
    assert sorted(order[9:]) == [6, 7, 9], f"solved and closed tickets last, got {order}"


def test_sort_by_priority_puts_the_most_urgent_first(login, row_ids):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-count")).to_have_text("9 tickets")
    page.get_by_test_id("sort-select").select_option("priority")
    expect(page).to_have_url(re.compile(r"[?&]sort=priority"))
    expect(page.get_by_test_id("ticket-table").locator("tbody tr").first).to_have_attribute(
        "data-testid", "ticket-row-3"
    )
    assert row_ids(page) == [3, 8, 1, 5, 12, 2, 10, 4, 11], (
        "urgent, high, normal, low; due first within each"
    )


def test_sort_by_recent_update_and_sort_survives_a_reload(login, row_ids):
    page = login("sam@desk.test", path="/views/unsolved?sort=updated")
    expect(page.get_by_test_id("sort-select")).to_have_value("updated")
    expect(page.get_by_test_id("ticket-count")).to_have_text("9 tickets")
    assert row_ids(page) == [1, 11, 10, 8, 5, 3, 2, 12, 4]
    page.reload()
    expect(page.get_by_test_id("sort-select")).to_have_value("updated")


def test_ticket_link_opens_the_ticket_without_reloading(login):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("ticket-row-8")).to_be_visible()
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("ticket-link-8").click()
    expect(page).to_have_url(re.compile(r"/tickets/8$"))
    expect(page.get_by_test_id("ticket-subject")).to_have_text("Webhook retries flood our endpoint")
    page.go_back()
    expect(page.get_by_test_id("ticket-row-8")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "opening a ticket reloaded the whole page"


def test_bulk_solve_solves_the_ticked_tickets_and_updates_counts(login, ticket_of):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    expect(page.get_by_test_id("bulk-bar")).to_have_count(0)
    page.get_by_test_id("select-4").check()
    page.get_by_test_id("select-11").check()
    expect(page.get_by_test_id("bulk-count")).to_contain_text("2")
    page.get_by_test_id("bulk-solve").click()
    expect(page.get_by_test_id("toast")).to_contain_text("2 tickets updated")
    expect(page.get_by_test_id("ticket-row-4")).to_have_count(0)
    expect(page.get_by_test_id("ticket-row-11")).to_have_count(0)
    expect(page.get_by_test_id("ticket-count")).to_have_text("7 tickets")
    expect(page.get_by_test_id("view-count-unsolved")).to_have_text("7")
    expect(page.get_by_test_id("view-count-solved")).to_have_text("4")
    expect(page.get_by_test_id("bulk-bar")).to_have_count(0)
    assert ticket_of(4)["status"] == "solved" and ticket_of(11)["status"] == "solved"
    assert ticket_of(3)["status"] == "open", "an unticked ticket was changed"


def test_select_all_and_assign_to_me(login, ticket_of):
    page = login("priya@desk.test", path="/views/unassigned")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    page.get_by_test_id("select-all").check()
    expect(page.get_by_test_id("bulk-count")).to_contain_text("3")
    page.get_by_test_id("select-4").uncheck()
    expect(page.get_by_test_id("select-all")).not_to_be_checked()
    page.get_by_test_id("bulk-assign-me").click()
    expect(page.get_by_test_id("ticket-row-3")).to_have_count(0)
    expect(page.get_by_test_id("ticket-row-4")).to_be_visible()
    expect(page.get_by_test_id("view-count-unassigned")).to_have_text("1")
    expect(page.get_by_test_id("view-count-mine")).to_have_text("5")
    assert ticket_of(3)["assignee"]["id"] == 3 and ticket_of(11)["assignee"]["id"] == 3
    assert ticket_of(4)["assignee"] is None


def test_bulk_solve_reports_skipped_closed_tickets(login, ticket_of):
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-row-7")).to_be_visible()
    page.get_by_test_id("select-7").check()
    page.get_by_test_id("select-1").check()
    page.get_by_test_id("bulk-solve").click()
    expect(page.get_by_test_id("toast")).to_contain_text("1 ticket updated")
    expect(page.get_by_test_id("toast")).to_contain_text("skipped")
    expect(page.get_by_test_id("ticket-status-1")).to_have_text("Solved")
    expect(page.get_by_test_id("ticket-status-7")).to_have_text("Closed")
    assert ticket_of(7)["status"] == "closed"


def _duration(ms):
    """The app's duration words: the largest unit, rounded down."""
    ms = abs(ms)
    minute, hour, day = 60_000, 3_600_000, 86_400_000
    if ms < hour:
        return f"{max(1, ms // minute)} min"
    if ms < day:
        return f"{ms // hour} h"
    days = ms // day
    return f"{days} {'day' if days == 1 else 'days'}"


def _ms(iso):
    from datetime import UTC, datetime

    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp() * 1000)


def test_due_and_solved_labels_count_whole_units(login, api_as):
    """Labels are computed against the page's own clock, so no date is assumed."""
    tickets = {
        t["id"]: t for t in api_as("sam@desk.test").get("/api/tickets?view=all")[1]["tickets"]
    }
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-count")).to_have_text("12 tickets")
    now = page.evaluate("Date.now()")
    for ticket_id in (
        1,
        3,
        4,
        5,
        11,
    ):  # due in 6 h, overdue 2 h, due in 46 h, overdue 6 h, due in 71 h
        left = _ms(tickets[ticket_id]["due_at"]) - now
        words = f"Due in {_duration(left)}" if left > 0 else f"Overdue by {_duration(left)}"
        expect(page.get_by_test_id(f"ticket-due-{ticket_id}")).to_have_text(words)
    for ticket_id in (6, 9):  # solved 60 h and 40 h ago
        words = f"Solved {_duration(now - _ms(tickets[ticket_id]['solved_at']))} ago"
        expect(page.get_by_test_id(f"ticket-due-{ticket_id}")).to_have_text(words)
