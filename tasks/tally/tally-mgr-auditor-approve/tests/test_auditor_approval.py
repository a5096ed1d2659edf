# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Auditors read every report but cannot approve or reject; admins still decide."""

from playwright.sync_api import expect


def _status(api, report_id):
    status, body = api.get(f"/api/reports/{report_id}")
    assert status == 200, body
    return body["status"]


def test_auditor_cannot_approve_or_reject_via_api(api):
    api.login("carol@tally.test")
    status, body = api.post("/api/reports/3/approve")
    assert status == 403, body
    status, body = api.post("/api/reports/3/reject", {"reason": "Missing boarding pass"})
    assert status == 403, body
    status, report = api.get("/api/reports/3")
    assert status == 200, report
    assert report["status"] == "submitted"
    assert "approve" not in report["permissions"] and "reject" not in report["permissions"]


def test_auditor_sees_no_approve_or_reject_button(page, login):
    login("carol@tally.test", path="/reports/3")
    expect(page.get_by_test_id("report-title")).to_have_text("Berlin offsite")
    expect(page.get_by_test_id("report-status")).to_contain_text("Submitted")
    expect(page.get_by_test_id("report-total")).to_have_text("$1,133.00")
    expect(page.get_by_test_id("expense-row-8")).to_be_visible()
    expect(page.get_by_test_id("approve-report")).to_have_count(0)
    expect(page.get_by_test_id("reject-report")).to_have_count(0)


def test_auditor_still_reads_every_report(page, login, api):
    api.login("carol@tally.test")
    for report_id in (1, 2, 3, 4, 5):
        status, body = api.get(f"/api/reports/{report_id}")
        assert status == 200, (report_id, body)
    login("carol@tally.test", path="/w/1")
    for report_id in (1, 2, 3, 4, 5):
        expect(page.get_by_test_id(f"report-row-{report_id}")).to_be_visible()
    page.get_by_test_id("report-link-2").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office supplies")
    expect(page.get_by_test_id("expense-row-5")).to_be_visible()
    expect(page.get_by_test_id("report-total")).to_have_text("$194.73")


def test_admins_still_approve_and_reject(page, login, api):
    login("alice@tally.test", path="/reports/3")
    page.get_by_test_id("approve-report").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Approved")
    api.login("alice@tally.test")
    assert _status(api, 3) == "approved"
    api.login("henri@tally.test")
    status, body = api.post("/api/reports/7/reject", {"reason": "Add the boarding pass"})
    assert status == 200, body
    assert body["status"] == "rejected"
