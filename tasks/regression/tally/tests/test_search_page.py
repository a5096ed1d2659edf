# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The search box and the search results page."""

from conftest import ALICE, BOB, assert_no_reload, mark_page
from playwright.sync_api import expect


def test_typing_in_the_search_box_shows_results_in_place(login):
    page = login(ALICE, path="/w/1")
    mark_page(page)
    page.get_by_test_id("search-input").press_sequentially("hotel")
    expect(page).to_have_url("/search?q=hotel")
    expect(page.get_by_test_id("search-result-expense-3")).to_contain_text("The Standard Hotel")
    expect(page.get_by_test_id("search-result-expense-3")).to_contain_text("$312.00")
    expect(page.get_by_test_id("search-group-messages")).to_be_visible()
    assert_no_reload(page, "searching from the top bar")


def test_enter_searches_and_result_opens_the_report_in_place(login):
    page = login(ALICE, path="/w/1")
    mark_page(page)
    box = page.get_by_test_id("search-input")
    box.fill("chicago")
    box.press("Enter")
    expect(page.get_by_test_id("search-result-report-4")).to_contain_text("Chicago conference")
    page.get_by_test_id("search-result-report-4").get_by_role("link").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Chicago conference")
    assert_no_reload(page, "opening a search result")


def test_message_result_opens_its_room(login):
    page = login(ALICE, path="/search?q=itinerary")
    result = page.get_by_test_id("search-result-message-8")
    expect(result).to_contain_text("Bob Member")
    result.get_by_role("link").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")


def test_short_query_shows_the_hint_and_no_match_shows_empty(login):
    page = login(ALICE, path="/search?q=a")
    expect(page.get_by_test_id("search-hint")).to_be_visible()
    box = page.get_by_test_id("search-input")
    expect(box).to_have_value("a")
    box.fill("zzqq")
    box.press("Enter")
    expect(page.get_by_test_id("search-empty")).to_be_visible()


def test_member_search_results_exclude_other_reports(login):
    page = login(BOB, path="/search?q=hotel")
    expect(page.get_by_test_id("search-result-expense-9")).to_contain_text("Hotel Adlon")
    expect(page.get_by_test_id("search-result-expense-9")).to_contain_text("€450.00")
    expect(page.get_by_test_id("search-result-expense-3")).to_have_count(0)
    expect(page.get_by_test_id("search-result-expense-11")).to_have_count(0)


def test_search_box_keeps_typed_text_while_results_update(login):
    page = login(ALICE, path="/search?q=taxi")
    expect(page.get_by_test_id("search-results")).to_contain_text("Taxi to JFK")
    box = page.get_by_test_id("search-input")
    box.press("End")
    box.press_sequentially(" to")
    expect(page).to_have_url("/search?q=taxi%20to")
    expect(box).to_have_value("taxi to")
