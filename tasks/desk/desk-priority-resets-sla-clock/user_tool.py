"""Reproduction steps: raise the priority of the overdue ticket #5 to High and look at its due time."""


def reproduce(user):
    page = user.page
    user.login("sam@desk.test", path="/tickets/5")
    with user.step("Look at ticket #5"):
        page.get_by_test_id("prop-due").wait_for()
        user.note("Opened: " + page.get_by_test_id("ticket-requester").inner_text())
        user.note("Priority: " + page.get_by_test_id("ticket-priority").inner_text())
        user.note("Due: " + page.get_by_test_id("prop-due").inner_text())
        user.note("Overdue in the sidebar: " + page.get_by_test_id("view-count-overdue").inner_text())
    with user.step("Change Priority to High in the side panel"):
        page.get_by_test_id("prop-priority").select_option("high")
        page.get_by_test_id("ticket-priority").filter(has_text="High").wait_for()
        page.wait_for_load_state("networkidle")
        user.note("Priority: " + page.get_by_test_id("ticket-priority").inner_text())
        user.note("Due: " + page.get_by_test_id("prop-due").inner_text())
        user.note("Overdue in the sidebar: " + page.get_by_test_id("view-count-overdue").inner_text())
