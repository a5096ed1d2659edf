# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A slow answer to an earlier request never replaces what the user asked for since: search
results, the reports list's status tabs and the room page each show the latest choice."""

import re

import pytest
from playwright.sync_api import expect

# Records each response whose body the page has read (or that it gave up on), so that a test
# can wait until the page has really received (and handled) the late answer before checking
# what is shown.
READ_MARKER = """
window.__responsesRead = [];
const originalFetch = window.fetch;
window.fetch = function (input, ...rest) {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href).href;
  const result = originalFetch.call(this, input, ...rest);
  result.catch(() => window.__responsesRead.push(url));  // aborted or failed: nothing to read
  return result;
};
for (const name of ['text', 'json', 'arrayBuffer', 'blob']) {
  const original = Response.prototype[name];
  Response.prototype[name] = function (...args) {
    const url = this.url;
    const result = original.apply(this, args);
    const mark = () => window.__responsesRead.push(url);
    result.then(mark, mark);
    return result;
  };
}
"""


@pytest.fixture
def held(page):
    """Requests whose URL matches a pattern are held until released."""
    routes = []
    page.add_init_script(READ_MARKER)

    def hold(pattern):
        page.route(pattern, lambda route: routes.append(route))

    def release(url_pattern):
        assert routes, "no request was held"
        for route in routes:
            try:
                route.continue_()
            except Exception:  # noqa: BLE001 - the page gave up on (aborted) that request
                pass
        page.wait_for_function(
            "(p) => window.__responsesRead.some((url) => new RegExp(p).test(url))", arg=url_pattern
        )
        # let the page finish handling it (promise callbacks, a render)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")

    def settle(url_pattern):
        page.wait_for_function(
            "(p) => window.__responsesRead.some((url) => new RegExp(p).test(url))", arg=url_pattern
        )
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")

    def release_matching(url_pattern, status=None):
        """Lets only the held requests matching url_pattern go (answered with an error
        status instead when status is given), and waits until the page has handled them."""
        matching = [route for route in routes if re.search(url_pattern, route.request.url)]
        assert matching, f"no request matching {url_pattern} was held"
        for route in matching:
            routes.remove(route)
            try:
                if status is None:
                    route.continue_()
                else:
                    route.fulfill(status=status, json={"error": "Something went wrong"})
            except Exception:  # noqa: BLE001 - the page gave up on (aborted) that request
                pass
        settle(url_pattern)

    hold.release = release
    hold.release_matching = release_matching
    hold.routes = routes
    return hold


def test_search_shows_results_of_the_latest_query(page, login, held):
    held(re.compile(r"/api/search\?q=lu$"))
    login("alice@tally.test", path="/search")
    search = page.get_by_test_id("search-input")
    search.fill("lu")
    expect(page).to_have_url(re.compile(r"q=lu$"))
    search.fill("hotel")
    expect(page).to_have_url(re.compile(r"q=hotel$"))
    expect(page.get_by_test_id("search-result-expense-9")).to_be_visible()
    assert held.routes, "the search for 'lu' was not sent"

    held.release(r"/api/search\?q=lu$")
    expect(page.get_by_test_id("search-result-expense-9")).to_be_visible()
    expect(page.get_by_test_id("search-result-expense-3")).to_be_visible()
    expect(page.get_by_test_id("search-result-expense-8")).to_have_count(0)
    expect(page.get_by_test_id("search-result-expense-2")).to_have_count(0)


def test_report_tabs_show_the_last_clicked_status(page, login, held):
    held(re.compile(r"/api/workspaces/1/reports\?status=submitted$"))
    login("alice@tally.test", path="/w/1")
    expect(page.get_by_test_id("report-row-5")).to_be_visible()
    page.get_by_test_id("status-filter-submitted").click()
    page.get_by_test_id("status-filter-approved").click()
    expect(page.get_by_test_id("report-row-4")).to_be_visible()
    expect(page.get_by_test_id("report-row-3")).to_have_count(0)

    held.release(r"status=submitted$")
    expect(page.get_by_test_id("status-filter-approved")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("report-row-4")).to_be_visible()
    expect(page.get_by_test_id("report-row-3")).to_have_count(0)
    expect(page.get_by_test_id("report-row-1")).to_have_count(0)


def test_room_page_shows_the_last_clicked_room(page, login, held):
    held(re.compile(r"/api/rooms/1$"))
    login("alice@tally.test", path="/w/1")
    page.get_by_test_id("room-link-1").click()
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("message-7")).to_be_visible()

    held.release(r"/api/rooms/1$")
    expect(page).to_have_url(re.compile(r"/rooms/2$"))
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("message-7")).to_be_visible()
    expect(page.get_by_test_id("message-1")).to_have_count(0)


def test_late_failure_of_an_earlier_request_is_ignored(page, login, held):
    held(re.compile(r"/api/rooms/1$"))
    login("alice@tally.test", path="/w/1")
    page.get_by_test_id("room-link-1").click()
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("message-7")).to_be_visible()

    held.release_matching(r"/api/rooms/1$", status=500)
    expect(page).to_have_url(re.compile(r"/rooms/2$"))
    expect(page.get_by_test_id("room-error")).to_have_count(0)
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("message-7")).to_be_visible()


def test_answers_arriving_in_order_show_the_last_click(page, login, held):
    """Two quick clicks whose answers come back in the order they were asked: the page ends on
    the second one, not on whichever answer happened to arrive first."""
    held(re.compile(r"/api/workspaces/1/reports\?status=(submitted|approved)$"))
    login("alice@tally.test", path="/w/1")
    expect(page.get_by_test_id("report-row-5")).to_be_visible()
    with page.expect_request(re.compile(r"status=submitted$")):
        page.get_by_test_id("status-filter-submitted").click()
    with page.expect_request(re.compile(r"status=approved$")):
        page.get_by_test_id("status-filter-approved").click()
    expect(page.get_by_test_id("status-filter-approved")).to_have_attribute("aria-selected", "true")

    held.release_matching(r"status=submitted$")
    held.release_matching(r"status=approved$")
    expect(page.get_by_test_id("status-filter-approved")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("report-row-4")).to_be_visible()
    expect(page.get_by_test_id("report-row-3")).to_have_count(0)
    expect(page.get_by_test_id("report-row-1")).to_have_count(0)
