"""Reproduction steps: as Bob, open the submitted "Berlin offsite" report and change an amount."""


def reproduce(user):
    user.login("bob@tally.test", path="/reports/3")
    page = user.page
    with user.step("Open 'Berlin offsite' (submitted)"):
        page.get_by_test_id("expense-row-8").wait_for()
        user.note("Status: " + page.get_by_test_id("report-status").inner_text().strip())
        offered = [
            label
            for label, test_id in (
                ("Add expense", "add-expense"),
                ("Rename", "rename-report"),
                ("Edit", "edit-expense-8"),
                ("Delete", "delete-expense-8"),
                ("Remove receipt", "remove-receipt-8"),
            )
            if page.get_by_test_id(test_id).count()
        ]
        user.note("Controls offered: " + (", ".join(offered) or "none"))
        user.note("Total: " + page.get_by_test_id("report-total").inner_text().strip())
    if not page.get_by_test_id("edit-expense-8").count():
        return
    with user.step("Edit the Lufthansa expense: amount 990.00"):
        page.get_by_test_id("edit-expense-8").click()
        page.get_by_test_id("expense-amount").fill("990.00")
        page.get_by_test_id("expense-save").click()
        try:
            page.get_by_test_id("expense-form").wait_for(state="hidden", timeout=2500)
            user.note("The dialog closed")
        except Exception:
            user.note("The dialog is still open")
        user.note("Total now: " + page.get_by_test_id("report-total").inner_text().strip())
