"""Reproduction steps: on a slow connection, double click "Submit report" on Bob's open report."""

import time


def reproduce(user):
    submits = []
    user.login("bob@tally.test", path="/reports/2")
    with user.step("Open 'Q2 office supplies' on a slow connection (submit takes about half a second)"):
        user.page.get_by_test_id("submit-report").wait_for()

        def slow(route):
            submits.append(route.request.url)
            time.sleep(0.5)
            route.continue_()

        user.page.route("**/api/reports/*/submit", slow)
        user.note("Status: " + user.page.get_by_test_id("report-status").inner_text())
    with user.step("Double click 'Submit report'"):
        user.page.get_by_test_id("submit-report").dblclick()
        user.page.get_by_test_id("report-status").filter(has_text="Submitted").wait_for()
        try:
            user.page.get_by_test_id("report-error").wait_for(timeout=1500)
        except Exception:
            pass
    with user.step("Look at the report"):
        user.note("Status: " + user.page.get_by_test_id("report-status").inner_text())
        user.note(f"Submit requests sent: {len(submits)}")
        error = user.page.get_by_test_id("report-error")
        user.note("Error banner: " + (error.inner_text() if error.count() else "none"))
