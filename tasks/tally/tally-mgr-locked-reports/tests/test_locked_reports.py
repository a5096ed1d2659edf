# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Only an open report can be changed. Submitted, approved and rejected reports are locked
for everyone (their owner included): expenses, receipts and title. A rejected report is
reopened first."""

from playwright.sync_api import expect

EXPENSE = {"merchant": "Blue Bottle Coffee", "amount": 1200, "currency": "USD",
           "category_id": 2, "date": "2024-05-06", "description": ""}


def _refused(response):
    status, body = response
    assert 400 <= status < 500, (status, body)


def _report(api, report_id):
    status, report = api.get(f"/api/reports/{report_id}")
    assert status == 200, report
    return report


def _snapshot(report):
    return (
        report["status"], report["title"], report["total"],
        [(e["id"], e["merchant"], e["amount"], e["receipt"]) for e in report["expenses"]],
    )  # fmt: skip


def test_submitted_and_approved_expenses_are_locked(api):
    api.login("bob@tally.test")
    before = _snapshot(_report(api, 3))
    _refused(api.post("/api/reports/3/expenses", EXPENSE))
    _refused(api.patch("/api/expenses/8", {"amount": 99000}))
    _refused(api.delete("/api/expenses/9"))
    report = _report(api, 3)
    assert _snapshot(report) == before
    assert report["total"] == 113300

    api.login("alice@tally.test")
    before = _snapshot(_report(api, 4))
    _refused(api.post("/api/reports/4/expenses", EXPENSE))
    _refused(api.patch("/api/expenses/10", {"merchant": "American Airlines"}))
    _refused(api.delete("/api/expenses/11"))
    assert _snapshot(_report(api, 4)) == before


def test_receipts_and_title_are_locked_after_submission(api):
    api.login("bob@tally.test")
    before = _snapshot(_report(api, 3))
    _refused(api.delete("/api/expenses/8/receipt"))
    _refused(api.post("/api/expenses/9/receipt", {"filename": "adlon-invoice-v2.pdf"}))
    _refused(api.patch("/api/reports/3", {"title": "Berlin offsite (final)"}))
    assert _snapshot(_report(api, 3)) == before

    api.login("alice@tally.test")
    before = _snapshot(_report(api, 4))
    _refused(api.delete("/api/expenses/10/receipt"))
    _refused(api.patch("/api/reports/4", {"title": "Chicago conference 2024"}))
    assert _snapshot(_report(api, 4)) == before


def test_rejected_report_is_reopened_before_editing(api):
    api.login("bob@tally.test")
    before = _snapshot(_report(api, 5))
    _refused(api.post("/api/reports/5/expenses", EXPENSE))
    _refused(api.patch("/api/expenses/12", {"amount": 30000}))
    assert _snapshot(_report(api, 5)) == before

    status, report = api.post("/api/reports/5/reopen")
    assert status == 200, report
    status, body = api.patch("/api/expenses/12", {"amount": 30000})
    assert status == 200, body
    status, body = api.post("/api/reports/5/expenses", EXPENSE)
    assert status == 201, body
    assert body["total"] == 31200

    # an open report is editable until it is submitted
    status, body = api.post("/api/reports/2/expenses", EXPENSE)
    assert status == 201, body
    status, body = api.post("/api/reports/2/submit")
    assert status == 200, body
    _refused(api.post("/api/reports/2/expenses", EXPENSE))
    assert len(_report(api, 2)["expenses"]) == 4


def test_submitted_report_page_offers_no_changes(page, login):
    login("bob@tally.test", path="/reports/3")
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    expect(page.get_by_test_id("expense-row-8")).to_be_visible()
    expect(page.get_by_test_id("receipt-8")).to_be_visible()
    for test_id in ("add-expense", "rename-report", "edit-expense-8", "delete-expense-8",
                    "remove-receipt-8", "edit-expense-9", "delete-expense-9", "remove-receipt-9"):
        expect(page.get_by_test_id(test_id)).to_have_count(0)
