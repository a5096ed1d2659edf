# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A change of priority recomputes the due time from when the ticket was created, with the
target hours of the new priority; it never restarts the clock."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect


def at(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def set_priority(api, ticket_id, priority):
    status, ticket = api.patch(f"/api/tickets/{ticket_id}", {"priority": priority})
    assert status == 200, ticket
    assert ticket["priority"] == priority, ticket
    return ticket


def assert_due_after_creation(ticket, hours):
    due, created = at(ticket["due_at"]), at(ticket["created_at"])
    assert due - created == timedelta(hours=hours), (
        f"#{ticket['id']}: due {ticket['due_at']}, created {ticket['created_at']}: "
        f"expected {hours} h after creation, got {due - created}"
    )


def view(api, view_id):
    status, body = api.get(f"/api/tickets?view={view_id}")
    assert status == 200, body
    return sorted(ticket["id"] for ticket in body["tickets"])


def test_raising_priority_keeps_overdue_tickets_overdue(api):
    api.login("sam@desk.test")
    refund = set_priority(api, 5, "high")  # normal, opened 30 h ago
    assert_due_after_creation(refund, 8)
    assert refund["overdue"] is True, refund

    dark_mode = set_priority(api, 4, "urgent")  # low, opened 26 h ago
    assert_due_after_creation(dark_mode, 4)
    assert dark_mode["overdue"] is True, dark_mode

    status, ticket = api.get("/api/tickets/5")
    assert status == 200 and ticket["due_at"] == refund["due_at"], ticket
    assert view(api, "overdue") == [3, 4, 5, 12]


def test_lowering_priority_counts_from_creation(api):
    api.login("priya@desk.test")
    export = set_priority(api, 3, "normal")  # urgent, opened 6 h ago
    assert_due_after_creation(export, 24)
    assert export["overdue"] is False, export

    login = set_priority(api, 1, "low")  # high, opened 2 h ago
    assert_due_after_creation(login, 72)
    assert view(api, "overdue") == [5, 12]


def test_priority_change_uses_the_current_targets(api):
    api.login("ada@desk.test")
    status, body = api.patch("/api/settings", {"sla_hours": {"urgent": 2, "high": 6, "normal": 12, "low": 48}})
    assert status == 200, body
    orders = set_priority(api, 10, "high")  # normal, opened 3 h ago
    assert_due_after_creation(orders, 6)
    assert orders["overdue"] is False, orders
    webhooks = set_priority(api, 8, "urgent")  # high, opened 5 h ago
    assert_due_after_creation(webhooks, 2)
    assert webhooks["overdue"] is True, webhooks


def test_priority_change_in_the_side_panel(login):
    # #12 "Order page loads slowly": normal, opened 28 h ago, overdue by 4 h
    page = login("sam@desk.test", path="/tickets/12")
    expect(page.get_by_test_id("prop-due")).to_have_text("Overdue by 4 h")
    expect(page.get_by_test_id("view-count-overdue")).to_have_text("3")

    page.get_by_test_id("prop-priority").select_option("high")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("High")
    expect(page.get_by_test_id("prop-due")).to_have_text("Overdue by 20 h")
    expect(page.get_by_test_id("view-count-overdue")).to_have_text("3")

    page.get_by_test_id("prop-priority").select_option("low")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Low")
    expect(page.get_by_test_id("prop-due")).to_have_text("Due in 1 day")
    expect(page.get_by_test_id("view-count-overdue")).to_have_text("2")
