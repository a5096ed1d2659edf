# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""An expense amount must be greater than zero: the API refuses it, the form says so."""

from playwright.sync_api import expect

EXPENSE = {
    "merchant": "Starbucks",
    "currency": "USD",
    "category_id": 2,
    "date": "2024-05-02",
    "description": "",
}


def expense_count(api, report_id=1):
    status, body = api.get(f"/api/reports/{report_id}")
    assert status == 200, body
    return len(body["expenses"])


def test_api_rejects_zero_and_negative_amounts(api):
    api.login("alice@tally.test")
    for amount in (0, -1, -2350):
        status, body = api.post("/api/reports/1/expenses", {**EXPENSE, "amount": amount})
        assert status == 400, f"amount {amount}: {status} {body}"
        assert body.get("field") == "amount", f"amount {amount}: {body}"
    for currency in ("JPY", "EUR"):
        status, body = api.post(
            "/api/reports/1/expenses", {**EXPENSE, "currency": currency, "amount": 0}
        )
        assert status == 400 and body.get("field") == "amount", f"{currency} 0: {status} {body}"
    assert expense_count(api) == 4

    status, body = api.patch("/api/expenses/2", {"amount": 0})
    assert status == 400, body
    assert body.get("field") == "amount", body
    status, body = api.get("/api/reports/1")
    assert {e["id"]: e["amount"] for e in body["expenses"]}[2] == 2350

    # The smallest real amount is still accepted.
    status, body = api.post("/api/reports/1/expenses", {**EXPENSE, "amount": 1})
    assert status == 201, body
    assert expense_count(api) == 5


def test_form_shows_error_for_zero_amount(login, api):
    page = login("alice@tally.test", path="/reports/1")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    expect(form).to_be_visible()
    page.get_by_test_id("expense-merchant").fill("Starbucks")
    page.get_by_test_id("expense-amount").fill("0.00")
    page.get_by_test_id("expense-category").select_option("2")
    page.get_by_test_id("expense-save").click()

    error = page.get_by_test_id("expense-error-amount")
    expect(error).to_be_visible()
    expect(error).not_to_have_text("")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    api.login("alice@tally.test")
    assert expense_count(api) == 4

    # Fixing the amount saves the expense.
    page.get_by_test_id("expense-amount").fill("4.25")
    page.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("report-expense-count")).to_have_text("5")
