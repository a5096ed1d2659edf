# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A receipt is required when an expense's amount in the workspace currency is over the limit."""

import re

from playwright.sync_api import expect

LODGING = 3  # Acme Travel category


def add_expense(api, amount, currency, merchant):
    status, report = api.post(
        "/api/reports/2/expenses",
        {
            "merchant": merchant,
            "amount": amount,
            "currency": currency,
            "category_id": LODGING,
            "date": "2024-05-04",
            "description": "",
        },
    )
    assert status == 201, report
    return next(e for e in report["expenses"] if e["merchant"] == merchant)


def test_seeded_reports(login, api):
    api.login("henri@tally.test")
    status, report = api.get("/api/reports/6")
    assert status == 200, report
    muji = next(e for e in report["expenses"] if e["id"] == 15)
    assert muji["converted_amount"] == 3182
    assert muji["violations"] == [], "¥5,000 (€31.82) is under €50.00"
    assert report["violation_count"] == 0

    api.login("alice@tally.test")
    status, report = api.get("/api/reports/1")
    assert status == 200, report
    flags = {e["id"]: e["violations"] for e in report["expenses"]}
    assert flags == {1: [], 2: [], 3: ["receipt_required"], 4: []}, flags

    page = login("henri@tally.test", path="/reports/6")
    expect(page.get_by_test_id("expense-row-15")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    expect(page.get_by_test_id("violation-15")).to_have_count(0)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text(re.compile("submitted", re.I))


def test_foreign_expense_converted_over_threshold_needs_receipt(login, api):
    api.login("bob@tally.test")
    ibis = add_expense(api, 7000, "EUR", "Hotel Ibis Berlin")
    assert ibis["converted_amount"] == 7700
    assert ibis["violations"] == ["receipt_required"], "€70.00 is $77.00, over $75.00"
    status, body = api.post("/api/reports/2/submit")
    assert status == 400, f"submitted without the receipt: {status} {body}"

    page = login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id(f"violation-{ibis['id']}")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")

    status, body = api.post(f"/api/expenses/{ibis['id']}/receipt", {"filename": "ibis.pdf"})
    assert status == 200, body
    status, body = api.post("/api/reports/2/submit")
    assert status == 200, body
    assert body["status"] == "submitted"


def test_foreign_expenses_converted_under_threshold(login, api):
    api.login("bob@tally.test")
    taxi = add_expense(api, 10000, "JPY", "Nihon Kotsu Taxi")
    assert taxi["converted_amount"] == 7000
    assert taxi["violations"] == [], "¥10,000 is $70.00, under $75.00"
    cafe = add_expense(api, 6800, "EUR", "Einstein Kaffee")
    assert cafe["converted_amount"] == 7480
    assert cafe["violations"] == [], "€68.00 is $74.80, under $75.00"

    page = login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id(f"expense-row-{taxi['id']}")).to_be_visible()
    expect(page.get_by_test_id(f"expense-row-{cafe['id']}")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    expect(page.locator("[data-testid^='violation-']")).to_have_count(0)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text(re.compile("submitted", re.I))


def test_limit_is_compared_with_the_converted_amount_shown(login, api):
    """The flag follows the converted amount the report shows, to the cent: $74.97 is over a
    $74.96 limit even though the limit converted to euros would round up to the euro amount."""
    api.login("alice@tally.test")
    status, body = api.patch("/api/workspaces/1", {"receipt_required_over": 7496})
    assert status == 200, body
    api.login("bob@tally.test")
    bistro = add_expense(api, 6815, "EUR", "Bistro am See")
    assert bistro["converted_amount"] == 7497
    assert bistro["violations"] == ["receipt_required"], "€68.15 is $74.97, over $74.96"
    bakery = add_expense(api, 6814, "EUR", "Bäckerei Schmidt")
    assert bakery["converted_amount"] == 7495
    assert bakery["violations"] == [], "€68.14 is $74.95, under $74.96"

    page = login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id(f"violation-{bistro['id']}")).to_be_visible()
    expect(page.get_by_test_id(f"violation-{bakery['id']}")).to_have_count(0)
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")
