"""Reproduction steps: on ticket #3, click Assign to me and lower the priority; watch the sidebar counts."""

VIEWS = ["mine", "unassigned", "unsolved", "overdue", "pending", "solved"]


def counts(user):
    return ", ".join(
        f"{user.page.get_by_test_id(f'view-{view}').inner_text().replace(chr(10), ' ')}" for view in VIEWS
    )


def settle(user):
    try:
        user.page.wait_for_load_state("networkidle", timeout=2000)
    except Exception:
        pass


def reproduce(user):
    user.login("sam@desk.test", path="/tickets/3")
    with user.step("Look at ticket #3 and the sidebar"):
        user.page.get_by_test_id("prop-assignee").wait_for()
        user.page.get_by_test_id("view-count-mine").wait_for()
        user.note("Sidebar: " + counts(user))
    with user.step("Click Assign to me"):
        user.page.get_by_test_id("assign-to-me").click()
        user.page.get_by_test_id("assign-to-me").wait_for(state="detached")
        settle(user)
        user.note("Assignee: " + user.page.get_by_test_id("prop-assignee").evaluate("s => s.selectedOptions[0].text"))
        user.note("Sidebar: " + counts(user))
    with user.step("Change Priority to Normal"):
        user.page.get_by_test_id("prop-priority").select_option("normal")
        settle(user)
        user.note("Due: " + user.page.get_by_test_id("prop-due").inner_text())
        user.note("Sidebar: " + counts(user))
    with user.step("Reload the page"):
        user.page.reload()
        user.page.get_by_test_id("prop-assignee").wait_for()
        user.page.get_by_test_id("view-count-mine").wait_for()
        settle(user)
        user.note("Sidebar: " + counts(user))
