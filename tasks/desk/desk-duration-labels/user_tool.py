"""Reproduction steps: look at the Due and Updated columns of the Overdue and All tickets views, then at ticket #5."""


def columns(user, ids):
    for ticket_id in ids:
        row = user.page.get_by_test_id(f"ticket-row-{ticket_id}")
        if row.count() == 0:
            continue
        subject = user.page.get_by_test_id(f"ticket-link-{ticket_id}").inner_text()
        due = user.page.get_by_test_id(f"ticket-due-{ticket_id}").inner_text()
        updated = user.page.get_by_test_id(f"ticket-updated-{ticket_id}").inner_text()
        user.note(f"{subject}: Due '{due}', Updated '{updated}'")


def reproduce(user):
    user.login("sam@desk.test", path="/views/overdue")
    with user.step("Look at the Overdue view"):
        user.page.get_by_test_id("ticket-table").wait_for()
        columns(user, [5, 12, 3])
    with user.step("Click All tickets in the sidebar"):
        user.page.get_by_test_id("view-all").click()
        user.page.get_by_test_id("ticket-row-7").wait_for()
        columns(user, range(1, 13))
    with user.step("Open ticket #5"):
        user.page.get_by_test_id("ticket-link-5").click()
        user.page.get_by_test_id("prop-due").wait_for()
        user.note("Due (side panel): " + user.page.get_by_test_id("prop-due").inner_text())
        for entry in user.page.get_by_test_id("conversation").locator("article").all():
            user.note("Conversation: " + entry.inner_text().replace("\n", " | "))
