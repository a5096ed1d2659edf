"""Reproduction steps: with the browser in the New York time zone, open "NYC client visit" and
read the expense dates, then the reports list."""


def reproduce(user):
    page = user.page
    with user.step("Set the computer's time zone to America/New_York"):
        session = page.context.new_cdp_session(page)
        session.send("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Read the dates of the expenses of NYC client visit"):
        page.get_by_test_id("expense-date-1").wait_for()
        for expense_id in (1, 2, 3, 4):
            merchant = page.get_by_test_id(f"expense-merchant-{expense_id}").inner_text().strip()
            day = page.get_by_test_id(f"expense-date-{expense_id}").inner_text().strip()
            user.note(f"{merchant}: {day}")
    with user.step("Open Edit on Delta Air Lines and read the date field"):
        page.get_by_test_id("edit-expense-1").click()
        user.note(f"Date field: {page.get_by_test_id('expense-date').input_value()}")
        page.get_by_test_id("expense-cancel").click()
    with user.step("Go back to the reports list"):
        page.get_by_test_id("back-to-reports").click()
        page.get_by_test_id("report-row-1").wait_for()
        for report_id in (1, 3):
            row = " ".join(page.get_by_test_id(f"report-row-{report_id}").inner_text().split())
            user.note(f"Report {report_id}: {row}")
