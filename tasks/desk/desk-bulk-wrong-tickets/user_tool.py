"""Reproduction steps: in All unsolved, tick #4 and #11, click Mark solved, then look at what changed."""


def ticked(user):
    boxes = user.page.get_by_test_id("ticket-table").locator("tbody input[type=checkbox]")
    return [box.get_attribute("data-testid") for box in boxes.all() if box.is_checked()]


def reproduce(user):
    user.login("sam@desk.test", path="/views/unsolved")
    table = user.page.get_by_test_id("ticket-table")
    with user.step("Look at All unsolved"):
        user.page.get_by_test_id("ticket-row-11").wait_for()
        rows = [row.get_attribute("data-testid") for row in table.locator("tbody tr").all()]
        user.note("Rows: " + ", ".join(rows))
    with user.step("Tick #4 and #11"):
        user.page.get_by_test_id("select-4").check()
        user.page.get_by_test_id("select-11").check()
        user.note("Ticked: " + ", ".join(ticked(user)))
        user.note("Bulk bar: " + user.page.get_by_test_id("bulk-count").inner_text())
    with user.step("Choose Sort: Recently updated"):
        user.page.get_by_test_id("sort-select").select_option("updated")
        user.page.wait_for_url("**sort=updated**")
        user.note("Ticked: " + ", ".join(ticked(user)))
    with user.step("Choose Sort: Due first again and click Mark solved"):
        user.page.get_by_test_id("sort-select").select_option("due")
        user.page.get_by_test_id("bulk-solve").click()
        user.page.get_by_test_id("toast").first.wait_for()
        user.note("Toast: " + user.page.get_by_test_id("toast").first.inner_text())
        try:
            user.page.wait_for_load_state("networkidle", timeout=2000)
        except Exception:
            pass
    with user.step("Click All tickets and look at the statuses"):
        user.page.get_by_test_id("view-all").click()
        user.page.get_by_test_id("ticket-row-7").wait_for()
        for row in table.locator("tbody tr").all():
            ticket = row.get_attribute("data-testid").removeprefix("ticket-row-")
            subject = row.get_by_test_id(f"ticket-link-{ticket}").inner_text()
            status = row.get_by_test_id(f"ticket-status-{ticket}").inner_text()
            user.note(f"{subject}: {status}")
