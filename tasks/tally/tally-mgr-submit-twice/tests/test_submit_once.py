# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A double click on "Submit report" submits once; a refused submit can be retried; the API
still refuses to submit a report that is not open."""

import time

from playwright.sync_api import expect

COUNT_SUBMITS = """
(() => {
  window.__submitCalls = 0;
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init && init.method) || 'GET';
    if (method.toUpperCase() === 'POST' && /\\/api\\/reports\\/\\d+\\/submit$/.test(url)) {
      window.__submitCalls += 1;
    }
    return original(input, init);
  };
})();
"""


def _slow_submits(page):
    """Hold each submit request a moment, like a slow network does."""

    def handle(route):
        time.sleep(0.4)
        route.continue_()

    page.route("**/api/reports/*/submit", handle)


def test_double_click_submits_once(page, login, api):
    page.add_init_script(COUNT_SUBMITS)
    login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id("report-status")).to_contain_text("Open")
    _slow_submits(page)
    page.get_by_test_id("submit-report").dblclick()
    expect(page.get_by_test_id("report-status")).to_contain_text("Submitted")
    assert page.evaluate("window.__submitCalls") == 1
    expect(page.get_by_test_id("toast").filter(has_text="Report submitted")).to_be_visible()
    expect(page.get_by_test_id("report-error")).to_have_count(0)
    api.login("bob@tally.test")
    status, report = api.get("/api/reports/2")
    assert status == 200 and report["status"] == "submitted", report


def test_refused_submit_can_be_retried(page, login):
    login("alice@tally.test", path="/reports/1")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-error")).to_contain_text("Receipts are required")
    expect(page.get_by_test_id("report-status")).to_contain_text("Open")
    page.get_by_test_id("attach-receipt-3").click()
    expect(page.get_by_test_id("receipt-3")).to_be_visible()
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Submitted")


def test_api_refuses_to_submit_a_report_twice(api):
    api.login("bob@tally.test")
    status, body = api.post("/api/reports/2/submit")
    assert status == 200, body
    status, body = api.post("/api/reports/2/submit")
    assert 400 <= status < 500, body
    status, body = api.post("/api/reports/3/submit")
    assert 400 <= status < 500, body
    status, report = api.get("/api/reports/3")
    assert report["status"] == "submitted"
