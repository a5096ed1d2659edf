# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Dialogs open with the caret in their first field, and typing goes where the user tabs to."""

from playwright.sync_api import expect


def test_add_expense_dialog_starts_in_merchant(page, login):
    login("alice@tally.test", path="/reports/1")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    merchant = form.get_by_test_id("expense-merchant")
    amount = form.get_by_test_id("expense-amount")
    expect(merchant).to_be_focused()
    page.keyboard.type("Blue Bottle Coffee")
    page.keyboard.press("Tab")
    expect(amount).to_be_focused()
    page.keyboard.type("12.50")
    expect(merchant).to_have_value("Blue Bottle Coffee")
    expect(amount).to_have_value("12.50")
    expect(form).to_be_visible()

    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    page.get_by_test_id("edit-expense-2").click()
    expect(merchant).to_be_focused()
    expect(merchant).to_have_value("Joe's Pizza")
    page.keyboard.type(" Downtown")
    expect(merchant).to_have_value("Joe's Pizza Downtown")


def test_split_dialog_starts_in_description(page, login):
    login("alice@tally.test", path="/rooms/1")
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    description = form.get_by_test_id("split-description")
    amount = form.get_by_test_id("split-amount")
    expect(description).to_be_focused()
    page.keyboard.type("Cab to the office")
    page.keyboard.press("Tab")
    expect(amount).to_be_focused()
    page.keyboard.type("30.00")
    expect(description).to_have_value("Cab to the office")
    expect(amount).to_have_value("30.00")
    expect(form).to_be_visible()


def test_reject_dialog_starts_in_reason(page, login):
    login("alice@tally.test", path="/reports/3")
    page.get_by_test_id("reject-report").click()
    dialog = page.get_by_test_id("reject-dialog")
    reason = dialog.get_by_test_id("reject-reason")
    expect(reason).to_be_focused()
    page.keyboard.type("Missing the boarding pass")
    expect(reason).to_have_value("Missing the boarding pass")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
