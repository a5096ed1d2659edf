"""Reproduction steps: as Henri, open "Paris client visit" and read the yen expense."""


def reproduce(user):
    user.login("henri@tally.test", path="/reports/6")
    with user.step("Open Euro Ops > Reports > 'Paris client visit'"):
        user.page.get_by_test_id("expense-row-15").wait_for()
    with user.step("Read the 'Muji' row"):
        user.note("Merchant: " + user.page.get_by_test_id("expense-merchant-15").inner_text())
        user.note("Amount: " + user.page.get_by_test_id("expense-amount-15").inner_text())
        user.note("Converted: " + user.page.get_by_test_id("expense-converted-15").inner_text())
        user.note("Report total: " + user.page.get_by_test_id("report-total").inner_text())
