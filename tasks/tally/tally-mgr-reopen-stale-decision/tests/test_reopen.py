# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Reopening a rejected report starts it over: no submission date, no decision, no decider
until it is submitted and reviewed again."""

import re

from playwright.sync_api import expect


def _fresh(report):
    return {k: report[k] for k in ("status", "submitted_at", "decided_at", "decided_by")}


def test_reopen_clears_submission_and_decision(api):
    api.login("bob@tally.test")
    status, report = api.post("/api/reports/5/reopen")
    assert status == 200, report
    want = {"status": "open", "submitted_at": None, "decided_at": None, "decided_by": None}
    assert _fresh(report) == want
    status, report = api.get("/api/reports/5")
    assert status == 200, report
    assert _fresh(report) == want
    status, body = api.get("/api/workspaces/1/reports?status=open")
    assert status == 200, body
    row = next(r for r in body["reports"] if r["id"] == 5)
    assert (row["submitted_at"], row["decided_at"]) == (None, None)


def test_reopened_report_page_shows_no_old_decision(page, login):
    login("bob@tally.test", path="/reports/5")
    header = page.locator("main")
    expect(header).to_contain_text("Rejected by Alice Admin")
    page.get_by_test_id("reopen-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Open")
    expect(page.get_by_test_id("add-expense")).to_be_visible()
    expect(header).not_to_contain_text(re.compile("rejected by|approved by|submitted", re.I))
    page.reload()
    expect(page.get_by_test_id("report-status")).to_have_text("Open")
    expect(header).not_to_contain_text(re.compile("rejected by|approved by|submitted", re.I))


def test_resubmit_and_review_after_reopen(api):
    api.login("bob@tally.test")
    assert api.post("/api/reports/5/reopen")[0] == 200
    status, report = api.post("/api/reports/5/submit")
    assert status == 200, report
    assert report["status"] == "submitted"
    assert report["submitted_at"] and not report["submitted_at"].startswith("2024-04-03")
    assert (report["decided_at"], report["decided_by"]) == (None, None)
    api.login("alice@tally.test")
    status, report = api.post("/api/reports/5/approve")
    assert status == 200, report
    assert report["status"] == "approved"
    assert report["decided_by"]["id"] == 1 and report["decided_at"]
