"""Reproduction steps: open All unsolved and sort the list by Priority."""


def rows(user):
    table = user.page.get_by_test_id("ticket-table")
    return [
        row.get_by_test_id(row.get_attribute("data-testid").replace("row", "priority")).inner_text()
        + " "
        + row.get_by_test_id(row.get_attribute("data-testid").replace("row", "link")).inner_text()
        for row in table.locator("tbody tr").all()
    ]


def reproduce(user):
    user.login("sam@desk.test", path="/views/unsolved")
    with user.step("Look at All unsolved"):
        user.page.get_by_test_id("ticket-row-3").wait_for()
        user.note("Tickets: " + user.page.get_by_test_id("ticket-count").inner_text())
    with user.step("Choose Sort: Priority"):
        user.page.get_by_test_id("sort-select").select_option("priority")
        user.page.wait_for_url("**sort=priority**")
        for index, line in enumerate(rows(user), 1):
            user.note(f"{index}. {line}")
