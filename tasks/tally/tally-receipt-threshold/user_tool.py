"""Reproduction steps: Henri looks at the Muji expense in "Paris client visit" and submits the report."""


def reproduce(user):
    page = user.page
    user.login("henri@tally.test", path="/reports/6")
    with user.step("Open the report 'Paris client visit'"):
        page.get_by_test_id("expense-row-15").wait_for()
    with user.step("Look at the Muji expense"):
        amount = page.get_by_test_id("expense-amount-15").inner_text().strip()
        converted = page.get_by_test_id("expense-converted-15")
        converted = converted.inner_text().strip() if converted.count() else "(none shown)"
        badge = page.get_by_test_id("violation-15")
        user.note(f"Muji: {amount}, converted {converted}")
        user.note("Badge: " + (badge.inner_text().strip() if badge.count() else "none"))
        count = page.get_by_test_id("report-violation-count").inner_text().strip()
        user.note(f"Violations shown on the report: {count}")
    with user.step("Click Submit"):
        with page.expect_response(lambda r: r.url.endswith("/submit")) as info:
            page.get_by_test_id("submit-report").click()
        user.note(f"POST /api/reports/6/submit answered {info.value.status}")
        error = page.get_by_test_id("report-error")
        if error.count():
            user.note("Error shown: " + error.inner_text().strip())
        page.get_by_test_id("report-status").wait_for()
        user.note("Report status: " + page.get_by_test_id("report-status").inner_text().strip())
