# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""An expense may be dated today or earlier, never in the future (create and edit)."""

from datetime import timedelta

from playwright.sync_api import expect


def _expense(day):
    return {
        "merchant": "Blue Bottle Coffee",
        "amount": 650,
        "currency": "USD",
        "category_id": 2,
        "date": day.isoformat(),
        "description": "",
    }


def test_expense_dated_today_is_accepted(api, today):
    # ``today``: the task's clock, which the app reads too (never the host's)
    api.login("alice@tally.test")
    status, body = api.post("/api/reports/1/expenses", _expense(today))
    assert status == 201, body
    assert today.isoformat() in [e["date"] for e in body["expenses"]]
    status, body = api.patch("/api/expenses/2", {"date": today.isoformat()})
    assert status == 200, body
    assert next(e for e in body["expenses"] if e["id"] == 2)["date"] == today.isoformat()
    status, body = api.post("/api/reports/1/expenses", _expense(today - timedelta(days=1)))
    assert status == 201, body


def test_tomorrow_is_rejected(api, today):
    api.login("alice@tally.test")
    tomorrow = (today + timedelta(days=1)).isoformat()
    status, body = api.post("/api/reports/1/expenses", {**_expense(today), "date": tomorrow})
    assert status == 400, body
    assert body.get("field") == "date", body
    status, body = api.patch("/api/expenses/2", {"date": tomorrow})
    assert status == 400, body
    assert body.get("field") == "date", body


def test_far_future_is_rejected(api, today):
    api.login("alice@tally.test")
    later = (today + timedelta(days=400)).isoformat()
    status, body = api.post("/api/reports/1/expenses", {**_expense(today), "date": later})
    assert status == 400, body
    assert body.get("field") == "date", body
    status, report = api.get("/api/reports/1")
    assert report["expense_count"] == 4


def test_add_expense_with_the_default_date(page, login):
    login("alice@tally.test", path="/reports/1")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-merchant").fill("Blue Bottle Coffee")
    form.get_by_test_id("expense-amount").fill("6.50")
    form.get_by_test_id("expense-category").select_option("2")
    form.get_by_test_id("expense-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("report-expense-count")).to_have_text("5")
    expect(page.get_by_test_id("expense-table")).to_contain_text("Blue Bottle Coffee")
