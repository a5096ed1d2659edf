# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The search page (/search?q=) and the top bar's search box: results with highlighted matches,
accents, literal % and _, snippets of comments, empty results and guests' visibility."""

import re

from conftest import ADA, EVE
from playwright.sync_api import expect


def result_keys(page):
    return (
        page.get_by_test_id("search-results")
        .locator(":scope > li")
        .evaluate_all(
            "items => items.map(i => i.getAttribute('data-testid').slice('search-result-'.length))"
        )
    )


def test_the_top_bar_search_opens_the_results_page(login):
    page = login(ADA, path="/projects")
    page.get_by_test_id("search-input").fill("  cafe ")
    page.get_by_test_id("search-input").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=cafe$"))
    expect(page.get_by_test_id("search-count")).to_have_text("1 result")
    title = page.get_by_test_id("search-result-title-WEB-13")
    expect(title).to_have_text("Café menu crashes on Résumé upload")
    expect(title.locator("mark")).to_have_text(["Café"])
    expect(page.get_by_test_id("search-page-input")).to_have_value("cafe")
    page.get_by_test_id("search-result-link-WEB-13").click()
    expect(page).to_have_url(re.compile(r"/issues/WEB-13$"))
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-13")


def test_percent_and_underscore_are_matched_literally(login):
    page = login(ADA, path="/search?q=100%25")
    expect(page.get_by_test_id("search-count")).to_have_text("2 results")
    assert result_keys(page) == ["WEB-5", "WEB-4"]
    expect(page.get_by_test_id("search-result-title-WEB-5").locator("mark")).to_have_text(["100%"])
    expect(page.get_by_test_id("search-hit-WEB-4-0")).to_contain_text("Comment")
    expect(page.get_by_test_id("search-hit-WEB-4-0").locator("mark")).to_have_text(["100%"])
    page.get_by_test_id("search-page-input").fill("30_days")
    page.get_by_test_id("search-submit").click()
    expect(page.get_by_test_id("search-count")).to_have_text("1 result")
    assert result_keys(page) == ["INF-6"]
    expect(page.get_by_test_id("search-result-title-INF-6").locator("mark")).to_have_text(
        ["30_days"]
    )


def test_a_search_with_no_match_says_so(login):
    page = login(ADA, path="/search")
    expect(page.get_by_test_id("search-page")).to_contain_text("Type something to search for.")
    page.get_by_test_id("search-page-input").fill("zebra crossing")
    page.get_by_test_id("search-submit").click()
    expect(page.get_by_test_id("search-empty")).to_have_text(
        "No issues or comments match “zebra crossing”."
    )
    expect(page).to_have_url(re.compile(r"/search\?q=zebra\+crossing$"))


def test_a_guest_finds_only_issues_of_their_projects(login):
    page = login(EVE, path="/search?q=%25")
    expect(page.get_by_test_id("search-count")).to_have_text("2 results")
    assert result_keys(page) == ["WEB-5", "WEB-4"]


def test_back_and_forward_keep_the_search_box_in_step(login):
    page = login(ADA, path="/search?q=checkout")
    expect(page.get_by_test_id("search-count")).to_have_text("5 results")
    page.get_by_test_id("search-page-input").fill("résumé")
    page.get_by_test_id("search-submit").click()
    expect(page.get_by_test_id("search-count")).to_have_text("1 result")
    page.go_back()
    expect(page.get_by_test_id("search-count")).to_have_text("5 results")
    expect(page.get_by_test_id("search-page-input")).to_have_value("checkout")
    expect(page.get_by_test_id("search-input")).to_have_value("checkout")
