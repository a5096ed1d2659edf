# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Amounts with 1-9 minor units are shown as they are in the edit forms and kept on save."""

from playwright.sync_api import expect


def add_expense(api, merchant, amount, currency):
    status, report = api.post(
        "/api/reports/1/expenses",
        {
            "merchant": merchant,
            "amount": amount,
            "currency": currency,
            "category_id": 1,
            "date": "2024-05-04",
            "description": "",
        },
    )
    assert status == 201, report
    return next(e["id"] for e in report["expenses"] if e["merchant"] == merchant)


def expense(api, expense_id):
    status, report = api.get("/api/reports/1")
    assert status == 200, report
    return next(e for e in report["expenses"] if e["id"] == expense_id)


def test_edit_form_keeps_the_cents(login, api):
    api.login("alice@tally.test")
    parking = add_expense(api, "Parking", 1205, "USD")
    stamps = add_expense(api, "Stamps", 7, "GBP")
    page = login("alice@tally.test", path="/reports/1")

    expect(page.get_by_test_id(f"expense-amount-{parking}")).to_have_text("$12.05")
    page.get_by_test_id(f"edit-expense-{parking}").click()
    expect(page.get_by_test_id("expense-form")).to_be_visible()
    expect(page.get_by_test_id("expense-amount")).to_have_value("12.05")
    page.get_by_test_id("expense-description").fill("Garage on 44th")
    page.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)
    expect(page.get_by_test_id(f"expense-amount-{parking}")).to_have_text("$12.05")
    saved = expense(api, parking)
    assert (saved["amount"], saved["description"]) == (1205, "Garage on 44th"), saved

    page.get_by_test_id(f"edit-expense-{stamps}").click()
    expect(page.get_by_test_id("expense-amount")).to_have_value("0.07")
    page.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)
    assert expense(api, stamps)["amount"] == 7
    expect(page.get_by_test_id(f"expense-amount-{stamps}")).to_have_text("£0.07")


def test_settings_threshold_keeps_the_cents(login, api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/workspaces/1", {"receipt_required_over": 5005})
    assert status == 200, body
    page = login("alice@tally.test", path="/w/1/settings")
    expect(page.get_by_test_id("threshold-input")).to_have_value("50.05")
    page.get_by_test_id("workspace-name-input").fill("Acme Travel Inc")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-saved")).to_be_visible()
    status, workspace = api.get("/api/workspaces/1")
    assert status == 200, workspace
    assert workspace["name"] == "Acme Travel Inc"
    assert workspace["receipt_required_over"] == 5005, workspace


def test_typed_amounts_keep_their_value(login, api):
    """Typing "12.5" or "50.5" still means 12 and a half, not 12.05."""
    page = login("alice@tally.test", path="/reports/1")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    page.get_by_test_id("add-expense").click()
    expect(page.get_by_test_id("expense-form")).to_be_visible()
    page.get_by_test_id("expense-merchant").fill("Taxi")
    page.get_by_test_id("expense-amount").fill("12.5")
    page.get_by_test_id("expense-currency").select_option("USD")
    page.get_by_test_id("expense-category").select_option("1")
    page.get_by_test_id("expense-date").fill("2024-05-04")
    page.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)
    expect(page.get_by_test_id("report-expense-count")).to_have_text("5")
    api.login("alice@tally.test")
    status, report = api.get("/api/reports/1")
    assert status == 200, report
    taxi = next(e for e in report["expenses"] if e["merchant"] == "Taxi")
    assert taxi["amount"] == 1250, taxi
    expect(page.get_by_test_id(f"expense-amount-{taxi['id']}")).to_have_text("$12.50")
    page.get_by_test_id(f"edit-expense-{taxi['id']}").click()
    expect(page.get_by_test_id("expense-amount")).to_have_value("12.50")

    page.goto("/w/1/settings")
    page.get_by_test_id("threshold-input").fill("50.5")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-saved")).to_be_visible()
    status, workspace = api.get("/api/workspaces/1")
    assert status == 200, workspace
    assert workspace["receipt_required_over"] == 5050, workspace
