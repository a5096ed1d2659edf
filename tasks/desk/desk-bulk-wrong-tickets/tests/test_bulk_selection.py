# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Bulk actions in the ticket list change exactly the tickets whose boxes are ticked, whatever
the sort; ticks stay on their tickets when the sort changes."""

from playwright.sync_api import expect

SAM = {"id": 2, "name": "Sam Sato"}
SEEDED = {  # ticket: (status, assignee id)
    1: ("open", 2), 2: ("pending", 3), 3: ("open", None), 4: ("open", None),
    5: ("open", 2), 6: ("solved", 3), 7: ("closed", 2), 8: ("pending", 2),
    9: ("solved", 3), 10: ("open", 3), 11: ("open", None), 12: ("pending", 3),
}
UNSOLVED = [1, 2, 3, 4, 5, 8, 10, 11, 12]


def tickets_now(api):
    api.login("sam@desk.test")
    status, body = api.get("/api/tickets?view=all")
    assert status == 200, body
    return {
        t["id"]: (t["status"], t["assignee"]["id"] if t["assignee"] else None) for t in body["tickets"]
    }


def expect_ticked(page, ids, ticked):
    for ticket_id in ids:
        box = page.get_by_test_id(f"select-{ticket_id}")
        if ticket_id in ticked:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    expect(page.get_by_test_id("bulk-count")).to_contain_text(str(len(ticked)))


def test_mark_solved_solves_the_ticked_tickets(login, api):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    page.get_by_test_id("select-4").check()
    page.get_by_test_id("select-11").check()
    expect_ticked(page, UNSOLVED, {4, 11})

    page.get_by_test_id("bulk-solve").click()
    expect(page.get_by_test_id("ticket-row-4")).to_have_count(0)
    expect(page.get_by_test_id("ticket-row-11")).to_have_count(0)
    expect(page.get_by_test_id("ticket-table").locator("tbody tr")).to_have_count(7)

    expected = {**SEEDED, 4: ("solved", None), 11: ("solved", None)}
    assert tickets_now(api) == expected


def test_ticks_follow_their_tickets_when_the_sort_changes(login, api):
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    page.get_by_test_id("select-3").check()
    page.get_by_test_id("select-10").check()
    expect_ticked(page, UNSOLVED, {3, 10})

    page.get_by_test_id("sort-select").select_option("updated")
    expect(page.get_by_test_id("ticket-table").locator("tbody tr").first).to_have_attribute(
        "data-testid", "ticket-row-1"
    )
    expect_ticked(page, UNSOLVED, {3, 10})
    page.get_by_test_id("sort-select").select_option("priority")
    expect(page.get_by_test_id("ticket-table").locator("tbody tr").first).to_have_attribute(
        "data-testid", "ticket-row-3"
    )
    expect_ticked(page, UNSOLVED, {3, 10})

    page.get_by_test_id("bulk-assign-me").click()
    expect(page.get_by_test_id("ticket-assignee-10")).to_have_text(SAM["name"])
    expect(page.get_by_test_id("ticket-assignee-3")).to_have_text(SAM["name"])

    expected = {**SEEDED, 3: ("open", SAM["id"]), 10: ("open", SAM["id"])}
    assert tickets_now(api) == expected


def test_select_all_then_untick_one(login, api):
    page = login("sam@desk.test", path="/views/unassigned")
    expect(page.get_by_test_id("ticket-row-11")).to_be_visible()
    page.get_by_test_id("select-all").check()
    expect_ticked(page, [3, 4, 11], {3, 4, 11})
    page.get_by_test_id("select-4").uncheck()
    expect_ticked(page, [3, 4, 11], {3, 11})
    expect(page.get_by_test_id("select-all")).not_to_be_checked()

    page.get_by_test_id("bulk-assign-me").click()
    expect(page.get_by_test_id("ticket-row-3")).to_have_count(0)
    expect(page.get_by_test_id("ticket-row-11")).to_have_count(0)
    expect(page.get_by_test_id("ticket-row-4")).to_be_visible()

    expected = {**SEEDED, 3: ("open", SAM["id"]), 11: ("open", SAM["id"])}
    assert tickets_now(api) == expected
