# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The sidebar's view counts follow every change made on the ticket page (agent panel: status,
assignee, priority; customer: "My problem is solved"), without a reload."""

from playwright.sync_api import expect

DRAFT = "Thanks Felix, we found the cause and are deploying a fix."


def expect_counts(page, counts):
    for view_id, count in counts.items():
        expect(page.get_by_test_id(f"view-count-{view_id}")).to_have_text(str(count))


def test_assignee_and_priority_changes_update_the_counts(login):
    page = login("sam@desk.test", path="/tickets/3")
    expect_counts(page, {"mine": 3, "unassigned": 3, "overdue": 3})

    page.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("prop-assignee")).to_have_value("2")
    expect_counts(page, {"mine": 4, "unassigned": 2, "overdue": 3})

    # urgent (4 h) -> normal (24 h): #3 was opened 6 h ago, so it is no longer overdue
    page.get_by_test_id("prop-priority").select_option("normal")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Normal")
    expect_counts(page, {"overdue": 2, "mine": 4, "unassigned": 2})

    page.get_by_test_id("prop-assignee").select_option("3")  # Priya
    expect_counts(page, {"mine": 3, "unassigned": 2})


def test_status_changes_update_the_counts(login):
    page = login("sam@desk.test", path="/tickets/1")
    expect_counts(page, {"pending": 3, "solved": 2, "unsolved": 9, "mine": 3})

    page.get_by_test_id("prop-status").select_option("pending")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    expect_counts(page, {"pending": 4, "unsolved": 9, "mine": 3})

    page.get_by_test_id("prop-status").select_option("solved")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Solved")
    expect_counts(page, {"pending": 3, "solved": 3, "unsolved": 8, "mine": 2})


def test_customer_mark_solved_updates_the_counts(login):
    page = login("carla@desk.test", path="/tickets/5")
    expect_counts(page, {"requests": 3, "open-requests": 2, "solved-requests": 1})

    page.get_by_test_id("mark-solved").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Solved")
    expect_counts(page, {"requests": 3, "open-requests": 1, "solved-requests": 2})


def test_reply_draft_is_kept_when_the_counts_update(login):
    page = login("sam@desk.test", path="/tickets/8")
    expect_counts(page, {"pending": 3})
    page.get_by_test_id("composer-input").fill(DRAFT)

    page.get_by_test_id("prop-status").select_option("open")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    expect_counts(page, {"pending": 2, "unsolved": 9})
    expect(page.get_by_test_id("composer-input")).to_have_value(DRAFT)
