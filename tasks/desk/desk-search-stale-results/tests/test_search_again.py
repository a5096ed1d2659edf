# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The search page shows the results of the search in the address: a new search made from the
results page, and Back/Forward, show the matching tickets without a reload."""

import re

from playwright.sync_api import expect

INVOICE = [2, 11]  # "Invoice #4471 ...", "Can we get invoices as PDF?"
EXPORT = [3, 10]  # "CSV export crashes the app", "Export is missing last week's orders"


def expect_results(page, ids):
    results = page.get_by_test_id("search-results").locator("[data-testid^='search-result-']")
    expect(results).to_have_count(len(ids))
    for ticket_id in ids:
        expect(page.get_by_test_id(f"search-result-{ticket_id}")).to_be_visible()


def search(page, q):
    box = page.get_by_test_id("search-input")
    box.fill(q)
    box.press("Enter")


def test_new_search_from_the_results_page(login):
    page = login("sam@desk.test", path="/search?q=invoice")
    expect_results(page, INVOICE)

    search(page, "export")
    expect(page).to_have_url(re.compile(r"/search\?q=export$"))
    expect_results(page, EXPORT)
    expect(page.get_by_test_id("search-link-3")).to_contain_text("CSV export crashes the app")

    search(page, "zebra")
    expect(page.get_by_test_id("search-empty")).to_contain_text("zebra")
    expect(page.get_by_test_id("search-results")).to_have_count(0)


def test_back_and_forward_show_the_matching_results(login):
    page = login("carla@desk.test", path="/search?q=refund")
    expect_results(page, [5])

    search(page, "password")
    expect_results(page, [1])  # "Can't sign in after resetting my password"
    expect(page.get_by_test_id("search-result-5")).to_have_count(0)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?q=refund$"))
    expect_results(page, [5])
    expect(page.get_by_test_id("search-result-1")).to_have_count(0)

    page.go_forward()
    expect(page).to_have_url(re.compile(r"/search\?q=password$"))
    expect_results(page, [1])


def test_searching_again_does_not_reload_the_page(login):
    page = login("sam@desk.test", path="/search?q=invoice")
    expect_results(page, INVOICE)
    page.evaluate("window.__searchMarker = 'still here'")

    search(page, "export")
    expect(page).to_have_url(re.compile(r"/search\?q=export$"))
    expect_results(page, EXPORT)
    assert page.evaluate("window.__searchMarker") == "still here", "the page was reloaded"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?q=invoice$"))
    expect_results(page, INVOICE)
    assert page.evaluate("window.__searchMarker") == "still here", "the page was reloaded"
