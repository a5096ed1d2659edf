"""Reproduction steps: group the Web list by priority, reload, then open the saved view
"Web bugs by assignee"."""


def state(user):
    sort = user.page.get_by_test_id("sort-select").input_value()
    group = user.page.get_by_test_id("group-select").input_value() or "(none)"
    sections = user.page.locator("section[data-testid^='issue-group-']")
    ids = [s.get_attribute("data-testid").removeprefix("issue-group-") for s in sections.all()]
    return f"address {user.page.url}; Sort by: {sort}; Group by: {group}; groups shown: {ids or 'none'}"


def reproduce(user):
    user.login("ben@board.test", path="/projects/WEB")
    with user.step("Choose Sort by: Due date and Group by: Priority"):
        user.page.get_by_test_id("issue-list").wait_for()
        user.page.get_by_test_id("sort-select").select_option("due")
        user.page.get_by_test_id("group-select").select_option("priority")
        user.page.get_by_test_id("issue-list").wait_for()
        user.note(state(user))
    with user.step("Reload the page"):
        user.page.reload()
        user.page.get_by_test_id("issue-list").wait_for()
        user.note(state(user))
    with user.step("Open the saved view 'Web bugs by assignee'"):
        user.page.get_by_test_id("saved-view-link-3").click()
        user.page.wait_for_url("**label=1**")
        user.page.get_by_test_id("issue-list").wait_for()
        user.note(state(user))
