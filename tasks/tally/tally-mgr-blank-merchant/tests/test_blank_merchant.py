# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A merchant made only of whitespace is refused (create and edit, API and form); padded
merchants are trimmed, not refused."""

import pytest
from playwright.sync_api import expect

EXPENSE = {"amount": 1200, "currency": "USD", "category_id": 2, "date": "2024-05-06", "description": ""}


def _merchants(api, report_id=1):
    status, report = api.get(f"/api/reports/{report_id}")
    assert status == 200
    return [e["merchant"] for e in report["expenses"]]


@pytest.mark.parametrize("merchant", ["   ", "\t \n "])
def test_api_rejects_blank_merchant(api, merchant):
    api.login("alice@tally.test")
    status, body = api.post("/api/reports/1/expenses", {**EXPENSE, "merchant": merchant})
    assert status == 400, body
    assert body.get("field") == "merchant", body
    assert len(_merchants(api)) == 4


def test_edit_rejects_blank_merchant(api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/expenses/2", {"merchant": "    "})
    assert status == 400, body
    assert body.get("field") == "merchant", body
    assert "Joe's Pizza" in _merchants(api)


def test_padded_merchant_is_trimmed(api):
    api.login("alice@tally.test")
    status, body = api.post("/api/reports/1/expenses", {**EXPENSE, "merchant": "  Blue Bottle Coffee  "})
    assert status == 201, body
    assert "Blue Bottle Coffee" in [e["merchant"] for e in body["expenses"]]
    status, body = api.patch("/api/expenses/2", {"merchant": " Joe's Pizza Downtown "})
    assert status == 200, body
    assert "Joe's Pizza Downtown" in _merchants(api)


def test_form_shows_merchant_error(page, login, api):
    login("alice@tally.test", path="/reports/1")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-merchant").fill("     ")
    form.get_by_test_id("expense-amount").fill("12.00")
    form.get_by_test_id("expense-category").select_option("2")
    form.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-error-merchant")).to_be_visible()
    expect(form).to_be_visible()
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    api.login("alice@tally.test")
    assert len(_merchants(api)) == 4
