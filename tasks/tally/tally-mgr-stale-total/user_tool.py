"""Reproduction steps: delete an expense from "NYC client visit", then edit another one, and read
the report's totals after each change."""


def _totals(user):
    footer = user.page.get_by_test_id("expense-table").locator("tfoot")
    return (
        f"Total {user.page.get_by_test_id('report-total').inner_text()}, "
        f"{user.page.get_by_test_id('report-expense-count').inner_text()} expenses, "
        f"{user.page.get_by_test_id('report-violation-count').inner_text()} needing attention; "
        f"table footer: {' '.join(footer.inner_text().split())}"
    )


def reproduce(user):
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Open the report 'NYC client visit'"):
        user.page.get_by_test_id("expense-row-3").wait_for()
        user.note(_totals(user))
    with user.step("Delete 'The Standard Hotel'"):
        user.page.get_by_test_id("delete-expense-3").click()
        user.page.get_by_test_id("expense-row-3").wait_for(state="detached")
        user.note(_totals(user))
    with user.step("Edit 'Joe's Pizza' to 30.00 and save"):
        user.page.get_by_test_id("edit-expense-2").click()
        user.page.get_by_test_id("expense-amount").fill("30.00")
        user.page.get_by_test_id("expense-save").click()
        user.page.get_by_test_id("expense-form").wait_for(state="detached")
        user.note(_totals(user))
