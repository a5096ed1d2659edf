"""Reproduction steps: open Mobile's active cycle and look at its progress, then at the Cycles list."""


def reproduce(user):
    user.login("cleo@board.test", path="/cycles/4")
    with user.step("Look at the progress of Cycle 1"):
        page = user.page
        page.get_by_test_id("cycle-progress-4").wait_for()
        points = page.get_by_test_id("cycle-stats-4").inner_text().replace("\n", " ")
        user.note("Cycle page: " + points)
        user.note("Progress bar value: " + str(page.get_by_test_id("cycle-progress-bar-4").get_attribute("aria-valuenow")))
    with user.step("Open the Cycles list of Mobile"):
        page.get_by_test_id("cycle-project-link").click()
        page.get_by_test_id("cycle-row-4").wait_for()
        user.note("Cycles list: " + page.get_by_test_id("cycle-progress-4").inner_text())
