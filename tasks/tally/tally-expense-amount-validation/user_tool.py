"""Reproduction steps: add a $0.00 expense to 'NYC client visit'."""


def reproduce(user):
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Open the report 'NYC client visit'"):
        count = user.page.get_by_test_id("report-expense-count")
        count.wait_for()
        user.note("Expenses on the report: " + count.inner_text())
    with user.step("Click 'Add expense'"):
        user.page.get_by_test_id("add-expense").click()
        user.page.get_by_test_id("expense-form").wait_for()
    with user.step("Fill in Starbucks, 0.00 USD, Meals, today"):
        user.page.get_by_test_id("expense-merchant").fill("Starbucks")
        user.page.get_by_test_id("expense-amount").fill("0.00")
        user.page.get_by_test_id("expense-category").select_option("2")
    with user.step("Click 'Add expense' in the form"):
        user.page.get_by_test_id("expense-save").click()
        user.page.wait_for_function(
            "() => !document.querySelector('[data-testid=expense-form]')"
            " || document.querySelector('[data-testid^=expense-error]')"
            " || document.querySelector('[data-testid=expense-form-error]')"
        )
    with user.step("Look at the form and the report"):
        form = user.page.get_by_test_id("expense-form")
        user.note("Form still open: " + ("yes" if form.is_visible() else "no"))
        error = user.page.get_by_test_id("expense-error-amount")
        if error.count():
            user.note("Message under Amount: " + error.inner_text())
        else:
            user.note("No message under the Amount field")
        user.note("Expenses on the report: " + user.page.get_by_test_id("report-expense-count").inner_text())
