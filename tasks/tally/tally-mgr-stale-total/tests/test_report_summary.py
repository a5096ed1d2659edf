# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The report's summary and table total follow expense changes without a reload."""

from playwright.sync_api import expect


def _open_report(page, login):
    login("alice@tally.test", path="/reports/1")
    expect(page.get_by_test_id("report-total")).to_have_text("$830.50")
    expect(page.get_by_test_id("expense-row-4")).to_be_visible()
    return page


def _footer(page):
    return page.get_by_test_id("expense-table").locator("tfoot")


def test_delete_updates_the_summary_and_the_table_total(page, login):
    _open_report(page, login)
    page.get_by_test_id("delete-expense-3").click()
    expect(page.get_by_test_id("expense-row-3")).to_have_count(0)
    expect(page.get_by_test_id("report-total")).to_have_text("$518.50")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("3")
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    expect(_footer(page)).to_contain_text("$518.50")


def test_edit_and_add_update_the_totals(page, login):
    _open_report(page, login)
    page.get_by_test_id("edit-expense-2").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-amount").fill("30.00")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("expense-amount-2")).to_have_text("$30.00")
    expect(page.get_by_test_id("report-total")).to_have_text("$837.00")
    expect(_footer(page)).to_contain_text("$837.00")

    page.get_by_test_id("add-expense").click()
    form.get_by_test_id("expense-merchant").fill("Blue Bottle Coffee")
    form.get_by_test_id("expense-amount").fill("10.00")
    form.get_by_test_id("expense-category").select_option("2")
    form.get_by_test_id("expense-date").fill("2024-05-06")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("report-total")).to_have_text("$847.00")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("5")
    expect(_footer(page)).to_contain_text("$847.00")


def test_receipt_updates_needs_attention(page, login):
    _open_report(page, login)
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")
    page.get_by_test_id("attach-receipt-3").click()
    expect(page.get_by_test_id("receipt-3")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    page.get_by_test_id("remove-receipt-3").click()
    expect(page.get_by_test_id("violation-3")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")
