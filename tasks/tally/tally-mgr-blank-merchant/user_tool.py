"""Reproduction steps: add an expense whose merchant is only spaces to "NYC client visit"."""


def reproduce(user):
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Open the report 'NYC client visit'"):
        user.page.get_by_test_id("report-title").wait_for()
        user.note("Expenses before: " + user.page.get_by_test_id("report-expense-count").inner_text())
    with user.step("Click 'Add expense' and fill the form with a merchant of spaces"):
        user.page.get_by_test_id("add-expense").click()
        user.page.get_by_test_id("expense-merchant").fill("     ")
        user.page.get_by_test_id("expense-amount").fill("12.00")
        user.page.get_by_test_id("expense-category").select_option(label="Meals")
    with user.step("Click 'Add expense' in the form"):
        user.page.get_by_test_id("expense-save").click()
        error = user.page.get_by_test_id("expense-error-merchant")
        form = user.page.get_by_test_id("expense-form")
        try:
            error.or_(user.page.get_by_test_id("report-expense-count").filter(has_text="5")).first.wait_for(timeout=2500)
        except Exception:
            pass
        if error.is_visible():
            user.note("Merchant field says: " + error.inner_text())
        user.note("Form still open: " + ("yes" if form.is_visible() else "no"))
        user.note("Expenses now: " + user.page.get_by_test_id("report-expense-count").inner_text())
