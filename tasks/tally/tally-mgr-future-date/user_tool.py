"""Reproduction steps: add an expense dated today (the form's default) to "NYC client visit"."""


def reproduce(user):
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Open the report 'NYC client visit'"):
        user.page.get_by_test_id("report-title").wait_for()
        user.note("Expenses before: " + user.page.get_by_test_id("report-expense-count").inner_text())
    with user.step("Click 'Add expense' and fill it in, keeping the pre-filled date"):
        user.page.get_by_test_id("add-expense").click()
        user.page.get_by_test_id("expense-merchant").fill("Blue Bottle Coffee")
        user.page.get_by_test_id("expense-amount").fill("6.50")
        user.page.get_by_test_id("expense-category").select_option(label="Meals")
        user.note("Date in the form: " + user.page.get_by_test_id("expense-date").input_value())
    with user.step("Click 'Add expense' in the form"):
        user.page.get_by_test_id("expense-save").click()
        error = user.page.get_by_test_id("expense-error-date")
        count = user.page.get_by_test_id("report-expense-count")
        try:
            error.or_(count.filter(has_text="5")).first.wait_for(timeout=2500)
        except Exception:
            pass
        if error.is_visible():
            user.note("Date field says: " + error.inner_text())
        user.note("Expenses now: " + count.inner_text())
