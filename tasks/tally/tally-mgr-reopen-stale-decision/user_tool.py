"""Reproduction steps: as Bob, reopen the rejected "Team dinner" report and read its header."""


def _header(meta):
    return " · ".join(" ".join(t.split()) for t in meta.locator(":scope > *").all_inner_texts())


def reproduce(user):
    user.login("bob@tally.test", path="/reports/5")
    page = user.page
    meta = page.locator(".report-meta")
    with user.step("Open 'Team dinner' (rejected)"):
        page.get_by_test_id("report-title").wait_for()
        user.note("Header: " + _header(meta))
    with user.step("Click 'Reopen'"):
        page.get_by_test_id("reopen-report").click()
        page.get_by_test_id("report-status").filter(has_text="Open").wait_for()
        user.note("Header: " + _header(meta))
    with user.step("Reload the page"):
        page.reload()
        page.get_by_test_id("report-status").wait_for()
        user.note("Header: " + _header(meta))
