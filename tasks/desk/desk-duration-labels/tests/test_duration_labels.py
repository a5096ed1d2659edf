# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Durations (due, overdue, solved, updated, comment times) count whole units, rounded down:
"Overdue by 6 h" for a ticket six hours late, "Due in 2 h" with 2 h 59 min left, "1 day"."""

from playwright.sync_api import expect

# seeded due times: overdue by 6 h (#5), 4 h (#12), 2 h (#3); due in 3 h (#8), 4 h (#2),
# 6 h (#1), 21 h (#10), 46 h (#4), 71 h (#11); a test runs seconds after the seeding
DUE_LABELS = {
    5: "Overdue by 6 h",
    12: "Overdue by 4 h",
    3: "Overdue by 2 h",
    8: "Due in 2 h",
    2: "Due in 3 h",
    1: "Due in 5 h",
    10: "Due in 20 h",
    4: "Due in 1 day",
    11: "Due in 2 days",
}


def test_due_and_overdue_labels_in_the_list(login):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    for ticket_id, label in DUE_LABELS.items():
        expect(page.get_by_test_id(f"ticket-due-{ticket_id}")).to_have_text(label)


def test_overdue_ticket_page(login):
    page = login("sam@desk.test", path="/tickets/5")
    expect(page.get_by_test_id("prop-due")).to_have_text("Overdue by 6 h")
    # description 30 h ago, internal note 29 h ago, Carla's reply 5 h ago
    expect(page.get_by_test_id("ticket-body")).to_contain_text("1 day ago")
    expect(page.get_by_test_id("comment-5")).to_contain_text("1 day ago")
    expect(page.get_by_test_id("comment-6")).to_contain_text("5 h ago")


def test_solved_and_updated_times_in_the_list(login):
    page = login("sam@desk.test", path="/views/all")
    expect(page.get_by_test_id("ticket-row-7")).to_be_visible()
    # solved 60 h (#6), 40 h (#9) and 200 h (#7) ago
    expect(page.get_by_test_id("ticket-due-6")).to_have_text("Solved 2 days ago")
    expect(page.get_by_test_id("ticket-due-9")).to_have_text("Solved 1 day ago")
    expect(page.get_by_test_id("ticket-due-7")).to_have_text("Solved 8 days ago")
    # updated 26 h (#4), 60 h (#6), 40 h (#9), 17 h (#2) ago
    expect(page.get_by_test_id("ticket-updated-4")).to_have_text("1 day ago")
    expect(page.get_by_test_id("ticket-updated-6")).to_have_text("2 days ago")
    expect(page.get_by_test_id("ticket-updated-9")).to_have_text("1 day ago")
    expect(page.get_by_test_id("ticket-updated-2")).to_have_text("17 h ago")
