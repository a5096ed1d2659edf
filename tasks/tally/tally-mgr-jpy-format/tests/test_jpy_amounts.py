# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Yen (no minor unit) are shown, entered and edited as whole yen; two-decimal currencies are
unchanged."""

from playwright.sync_api import expect


def _expense(api, expense_id, report_id=6):
    status, report = api.get(f"/api/reports/{report_id}")
    assert status == 200, report
    return next((e for e in report["expenses"] if e["id"] == expense_id), None), report


def test_jpy_expense_is_shown_in_yen(page, login):
    login("henri@tally.test", path="/reports/6")
    expect(page.get_by_test_id("expense-amount-15")).to_have_text("¥5,000")
    expect(page.get_by_test_id("expense-converted-15")).to_contain_text("€31.82")
    expect(page.get_by_test_id("expense-amount-14")).to_have_text("€45.00")
    expect(page.get_by_test_id("report-total")).to_have_text("€205.82")


def test_add_jpy_expense(page, login, api):
    login("henri@tally.test", path="/reports/6")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-merchant").fill("Sushi Zanmai")
    form.get_by_test_id("expense-currency").select_option("JPY")
    form.get_by_test_id("expense-amount").fill("1200")
    form.get_by_test_id("expense-category").select_option("7")
    form.get_by_test_id("expense-date").fill("2024-05-06")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    row = page.get_by_test_id("expense-table").locator("tr", has_text="Sushi Zanmai")
    expect(row).to_contain_text("¥1,200")
    expect(page.get_by_test_id("report-total")).to_have_text("€213.46")
    api.login("henri@tally.test")
    _, report = _expense(api, 0)
    added = next(e for e in report["expenses"] if e["merchant"] == "Sushi Zanmai")
    assert (added["amount"], added["currency"]) == (1200, "JPY")


def test_edit_jpy_expense_keeps_its_amount(page, login, api):
    login("henri@tally.test", path="/reports/6")
    page.get_by_test_id("edit-expense-15").click()
    form = page.get_by_test_id("expense-form")
    expect(form.get_by_test_id("expense-amount")).to_have_value("5000")
    form.get_by_test_id("expense-merchant").fill("Muji Ginza")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("expense-merchant-15")).to_have_text("Muji Ginza")
    expect(page.get_by_test_id("expense-amount-15")).to_have_text("¥5,000")
    api.login("henri@tally.test")
    expense, _ = _expense(api, 15)
    assert (expense["amount"], expense["currency"]) == (5000, "JPY")


def test_jpy_split(page, login, api):
    login("henri@tally.test", path="/rooms/3")
    expect(page.get_by_test_id("message-12")).to_be_visible()
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    form.get_by_test_id("split-description").fill("Ramen night")
    form.get_by_test_id("split-currency").select_option("JPY")
    form.get_by_test_id("split-amount").fill("3000")
    form.get_by_test_id("split-participant-9").check()
    form.get_by_test_id("split-create").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("split-total-4")).to_have_text("¥3,000")
    api.login("henri@tally.test")
    status, split = api.get("/api/splits/4")
    assert status == 200, split
    assert (split["amount"], split["currency"]) == (3000, "JPY")
    page.get_by_test_id("split-card-4").click()
    expect(page.get_by_test_id("share-amount-9")).to_have_text("¥1,500")


def test_two_decimal_currencies_unchanged(page, login):
    login("alice@tally.test", path="/reports/1")
    expect(page.get_by_test_id("expense-amount-2")).to_have_text("$23.50")
    expect(page.get_by_test_id("report-total")).to_have_text("$830.50")
    page.get_by_test_id("edit-expense-2").click()
    form = page.get_by_test_id("expense-form")
    expect(form.get_by_test_id("expense-amount")).to_have_value("23.50")
    form.get_by_test_id("expense-amount").fill("30.25")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("expense-amount-2")).to_have_text("$30.25")
    expect(page.get_by_test_id("report-total")).to_have_text("$837.25")
