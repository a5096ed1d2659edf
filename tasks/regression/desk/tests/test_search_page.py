# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The search box in the top bar and the search results page."""

import re

from playwright.sync_api import expect


def search_for(page, text):
    page.get_by_test_id("search-input").fill(text)
    page.get_by_test_id("search-input").press("Enter")


def test_search_box_shows_results_without_reloading(login):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("ticket-row-1")).to_be_visible()
    page.evaluate("window.__marker = 1")
    search_for(page, "export")
    expect(page).to_have_url(re.compile(r"/search\?q=export$"))
    expect(page.get_by_test_id("search-result-3")).to_be_visible()
    expect(page.get_by_test_id("search-result-10")).to_be_visible()
    expect(page.get_by_test_id("search-results").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("search-match-3")).to_contain_text("Subject")
    expect(page.get_by_test_id("search-snippet-3")).to_have_text("CSV export crashes the app")
    assert page.evaluate("window.__marker") == 1, "searching reloaded the whole page"


def test_a_second_search_replaces_the_results(login):
    page = login("sam@desk.test", path="/search?q=export")
    expect(page.get_by_test_id("search-result-3")).to_be_visible()
    expect(page.get_by_test_id("search-input")).to_have_value("export")
    search_for(page, "webhook")
    expect(page.get_by_test_id("search-result-8")).to_be_visible()
    expect(page.get_by_test_id("search-result-3")).to_have_count(0)
    expect(page.get_by_test_id("search-results").locator("li")).to_have_count(1)


def test_search_with_no_match_says_so(login):
    page = login("sam@desk.test", path="/search?q=zebra")
    expect(page.get_by_test_id("search-empty")).to_contain_text("zebra")
    expect(page.get_by_test_id("search-results")).to_have_count(0)


def test_one_character_search_shows_an_error(login):
    page = login("sam@desk.test", path="/search?q=x")
    expect(page.get_by_test_id("search-error")).to_be_visible()


def test_search_finds_internal_notes_for_agents_only(login):
    page = login("sam@desk.test", path="/search?q=ENG-212")
    expect(page.get_by_test_id("search-match-8")).to_contain_text("Comment")
    expect(page.get_by_test_id("search-snippet-8")).to_contain_text("ENG-212")


def test_customer_search_does_not_reveal_internal_notes(login):
    page = login("felix@desk.test", path="/search?q=ENG-212")
    expect(page.get_by_test_id("search-empty")).to_be_visible()
    search_for(page, "webhook")
    expect(page.get_by_test_id("search-result-8")).to_be_visible()


def test_search_for_special_characters(login):
    page = login("sam@desk.test", path="/search?q=%234471")
    expect(page.get_by_test_id("search-result-2")).to_be_visible()
    search_for(page, "$49 & more")
    expect(page.get_by_test_id("search-empty")).to_contain_text("$49 & more")
    search_for(page, "100%")
    expect(page.get_by_test_id("search-empty")).to_contain_text("100%")
    search_for(page, "#4471")
    expect(page.get_by_test_id("search-result-2")).to_be_visible()
    expect(page.get_by_test_id("search-results").locator("li")).to_have_count(1)


def test_search_result_link_opens_the_ticket_in_place(login):
    page = login("sam@desk.test", path="/search?q=duplicate")
    expect(page.get_by_test_id("search-result-5")).to_be_visible()
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("search-link-5").click()
    expect(page).to_have_url(re.compile(r"/tickets/5$"))
    expect(page.get_by_test_id("ticket-subject")).to_have_text("Refund for a duplicate charge")
    assert page.evaluate("window.__marker") == 1, "opening a search result reloaded the whole page"


def test_search_page_without_a_query_shows_no_results_or_error(login):
    page = login("sam@desk.test", path="/search")
    expect(page.get_by_test_id("search-page")).to_be_visible()
    expect(page.get_by_test_id("search-results")).to_have_count(0)
    expect(page.get_by_test_id("search-error")).to_have_count(0)
    expect(page.get_by_test_id("search-empty")).to_have_count(0)
