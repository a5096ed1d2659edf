"""Reproduction steps: in New York time, compare the due dates of the Web list with the date
fields of the issues, and look at a sprint's dates."""


def reproduce(user):
    user.login("ben@board.test", path="/projects/WEB")
    with user.step("Read the due dates of the Web list"):
        user.page.get_by_test_id("issue-list").wait_for()
        for key in ("WEB-5", "WEB-3", "WEB-17"):
            user.note(f"{key}: list shows {user.page.get_by_test_id(f'issue-row-due-{key}').inner_text()!r}")
    with user.step("Open WEB-5 and read its due date field"):
        user.page.get_by_test_id("issue-link-WEB-5").click()
        user.page.get_by_test_id("issue-due-date").wait_for()
        user.note("date field: " + user.page.get_by_test_id("issue-due-date").input_value())
        user.note("description: " + user.page.get_by_test_id("issue-due-description").inner_text())
    with user.step("Open the Web cycles and read Sprint 2's dates"):
        user.page.goto(user.url("/projects/WEB/cycles"))
        user.page.get_by_test_id("cycle-dates-2").wait_for()
        user.note("Sprint 2 (2025-01-06 to 2025-01-19): " + user.page.get_by_test_id("cycle-dates-2").inner_text())
