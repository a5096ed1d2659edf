"""Reproduction steps: add a $12.05 parking expense, open it in the edit form, change only the
description and save."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/reports/1")
    with user.step("Add expense: Parking, 12.05 USD, Travel, 2024-05-04"):
        page.get_by_test_id("add-expense").click()
        page.get_by_test_id("expense-merchant").fill("Parking")
        page.get_by_test_id("expense-amount").fill("12.05")
        page.get_by_test_id("expense-currency").select_option("USD")
        page.get_by_test_id("expense-category").select_option("1")
        page.get_by_test_id("expense-date").fill("2024-05-04")
        page.get_by_test_id("expense-save").click()
        page.get_by_test_id("expense-form").wait_for(state="detached")
        row = page.locator("[data-testid^='expense-row-']").filter(has_text="Parking")
        row.wait_for()
        expense_id = row.get_attribute("data-testid").removeprefix("expense-row-")
        amount = page.get_by_test_id(f"expense-amount-{expense_id}").inner_text().strip()
        user.note(f"Parking row shows {amount}")
    with user.step("Click Edit on the Parking row"):
        page.get_by_test_id(f"edit-expense-{expense_id}").click()
        page.get_by_test_id("expense-form").wait_for()
        user.note(f"Amount box shows: {page.get_by_test_id('expense-amount').input_value()!r}")
    with user.step("Change the description to 'Garage on 44th' and save"):
        page.get_by_test_id("expense-description").fill("Garage on 44th")
        page.get_by_test_id("expense-save").click()
        page.get_by_test_id("expense-form").wait_for(state="detached")
        amount = page.get_by_test_id(f"expense-amount-{expense_id}").inner_text().strip()
        user.note(f"Parking row shows {amount}")
        user.note(f"Report total: {page.get_by_test_id('report-total').inner_text().strip()}")
