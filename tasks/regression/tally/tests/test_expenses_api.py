# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Expenses and receipts through the API: validation, conversion, totals, violations."""

from conftest import ALICE, BOB, expense_body, ok


def _expense(report, expense_id):
    return next(e for e in report["expenses"] if e["id"] == expense_id)


def test_add_expense_returns_report_with_new_total(as_user):
    report = ok(as_user(BOB).post("/api/reports/2/expenses", expense_body(amount=1205)), 201)
    assert report["total"] == 19473 + 1205 and report["expense_count"] == 4
    new = max(report["expenses"], key=lambda e: e["id"])
    assert (new["merchant"], new["amount"], new["currency"], new["date"]) == (
        "Blue Bottle",
        1205,
        "USD",
        "2024-05-10",
    )
    assert new["category"] == {"id": 2, "name": "Meals"} and new["receipt"] is None


def test_expense_in_other_currencies_is_converted(as_user):
    api = as_user(BOB)
    report = ok(
        api.post("/api/reports/2/expenses", expense_body(amount=10000, currency="EUR")), 201
    )
    assert max(report["expenses"], key=lambda e: e["id"])["converted_amount"] == 11000
    report = ok(api.post("/api/reports/2/expenses", expense_body(amount=5000, currency="JPY")), 201)
    assert max(report["expenses"], key=lambda e: e["id"])["converted_amount"] == 3500
    assert report["total"] == 19473 + 11000 + 3500


def test_expense_amount_must_be_a_positive_whole_number_up_to_the_limit(as_user):
    api = as_user(BOB)
    for amount in (0, -5, 12.5, "12", True, None, 10_000_001):
        status, body = api.post("/api/reports/2/expenses", expense_body(amount=amount))
        assert status == 400 and body.get("field") == "amount", (
            f"amount {amount!r}: {status} {body}"
        )
    ok(api.post("/api/reports/2/expenses", expense_body(amount=10_000_000)), 201)


def test_expense_fields_are_validated(as_user):
    api = as_user(BOB)
    cases = (
        ({"merchant": "   "}, "merchant"),
        ({"merchant": "m" * 101}, "merchant"),
        ({"currency": "BTC"}, "currency"),
        ({"category_id": None}, "category_id"),
        ({"category_id": 5}, "category_id"),  # Legacy: disabled
        ({"category_id": 7}, "category_id"),  # Euro Ops' Meals
        ({"date": "10/05/2024"}, "date"),
        ({"date": "2024-02-30"}, "date"),
        ({"date": "2999-01-01"}, "date"),
        ({"description": "d" * 501}, "description"),
    )
    for override, field in cases:
        status, body = api.post("/api/reports/2/expenses", expense_body(**override))
        assert status == 400 and body.get("field") == field, f"{override}: {status} {body}"
    assert ok(api.get("/api/reports/2"))["expense_count"] == 3, "a refused expense was stored"


def test_merchant_is_trimmed(as_user):
    report = ok(
        as_user(BOB).post("/api/reports/2/expenses", expense_body(merchant="  Deli  ")), 201
    )
    assert "Deli" in [e["merchant"] for e in report["expenses"]]


def test_patch_expense_changes_only_given_fields_and_total(as_user):
    api = as_user(BOB)
    report = ok(api.patch("/api/expenses/5", {"amount": 1205}))
    staples = _expense(report, 5)
    assert staples["amount"] == 1205 and staples["merchant"] == "Staples"
    before = next(e for e in ok(api.get("/api/reports/2"))["expenses"] if e["id"] == 6)
    assert before["merchant"] == "Café Rouge", "another expense changed"
    assert report["total"] == 19473 - 4599 + 1205, f"total not updated: {report['total']}"


def test_expense_keeps_a_category_disabled_after_it_was_chosen(as_user):
    api = as_user(ALICE)
    ok(api.patch("/api/categories/2", {"enabled": False}))  # Meals: Joe's Pizza (expense 2)
    report = ok(api.patch("/api/expenses/2", {"merchant": "Joe's Pizza NYC"}))
    assert _expense(report, 2)["category"] == {"id": 2, "name": "Meals"}
    status, body = api.patch("/api/expenses/1", {"category_id": 2})
    assert status == 400 and body.get("field") == "category_id", (status, body)


def test_delete_expense_updates_total(as_user):
    report = ok(as_user(BOB).delete("/api/expenses/7"))
    assert report["total"] == 19473 - 12999 and report["expense_count"] == 2


def test_receipt_rules_and_violation_count(as_user):
    api = as_user(ALICE)
    status, body = api.post("/api/expenses/3/receipt", {"filename": "hotel.exe"})
    assert status == 400 and body.get("field") == "filename", (status, body)
    report = ok(api.post("/api/expenses/3/receipt", {"filename": "Hotel.PDF"}))
    assert _expense(report, 3)["receipt"] == "Hotel.PDF" and report["violation_count"] == 0
    report = ok(api.delete("/api/expenses/3/receipt"))
    assert _expense(report, 3)["receipt"] is None and report["violation_count"] == 1


def test_converted_amount_decides_whether_a_receipt_is_needed(as_user):
    api = as_user(BOB)
    # 70.00 EUR = 77.00 USD: over the $75.00 threshold even though 70 < 75
    report = ok(api.post("/api/reports/2/expenses", expense_body(amount=7000, currency="EUR")), 201)
    new = max(report["expenses"], key=lambda e: e["id"])
    assert new["violations"] == ["receipt_required"], new
    # 10,000 yen = 70.00 USD: under it even though 10000 > 7500
    report = ok(
        api.post("/api/reports/2/expenses", expense_body(amount=10000, currency="JPY")), 201
    )
    assert max(report["expenses"], key=lambda e: e["id"])["violations"] == []


def test_other_users_cannot_touch_an_expense(fresh_api):
    dan = fresh_api("dan@tally.test")
    status, _ = dan.patch("/api/expenses/5", {"amount": 1})
    assert status == 404, f"Dan edited Bob's expense ({status})"
    carol = fresh_api("carol@tally.test")
    for method, path, body in (
        ("PATCH", "/api/expenses/5", {"amount": 1}),
        ("DELETE", "/api/expenses/5", None),
        ("POST", "/api/expenses/5/receipt", {"filename": "x.png"}),
        ("POST", "/api/reports/2/expenses", expense_body()),
    ):
        status, _ = carol.request(method, path, body)
        assert status == 403, f"the auditor could {method} {path} ({status})"
    alice = fresh_api(ALICE)
    status, _ = alice.patch("/api/expenses/5", {"amount": 1})
    assert status == 403, "an admin edited a member's open report"
