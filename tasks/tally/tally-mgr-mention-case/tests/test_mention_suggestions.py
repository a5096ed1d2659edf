# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""@mention suggestions match members whatever the case of what is typed."""

import pytest
from playwright.sync_api import expect


@pytest.fixture
def general(page, login):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login("alice@tally.test", path="/rooms/1")
    expect(page.get_by_test_id("message-1")).to_be_visible()
    page.page_errors = errors
    return page


def _type(page, text):
    box = page.get_by_test_id("composer-input")
    box.fill("")
    box.press_sequentially(text)
    return box


def test_lowercase_query_suggests_the_member(general):
    page = general
    box = _type(page, "Thanks @bo")
    suggestions = page.get_by_test_id("mention-suggestions")
    expect(suggestions.get_by_test_id("mention-option-2")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Thanks @bob@tally.test ")
    box.press_sequentially("see you there")
    page.get_by_test_id("composer-send").click()
    expect(box).to_have_value("")
    body = page.get_by_test_id("messages").locator(".message").last
    expect(body).to_contain_text("Thanks @bob@tally.test see you there")
    expect(body.get_by_test_id("mention")).to_have_text("@bob@tally.test")


def test_uppercase_and_mixed_case_queries(general):
    page = general
    _type(page, "@BOB")
    expect(page.get_by_test_id("mention-option-2")).to_be_visible()
    _type(page, "@dIaZ")
    suggestions = page.get_by_test_id("mention-suggestions")
    expect(suggestions.get_by_test_id("mention-option-4")).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    _type(page, "@Grace")
    expect(page.get_by_test_id("mention-option-7")).to_be_visible()


def test_last_name_in_lowercase_finds_the_member(general):
    page = general
    _type(page, "@diaz")
    expect(page.get_by_test_id("mention-option-4")).to_be_visible()
    _type(page, "@gupta")
    expect(page.get_by_test_id("mention-option-7")).to_be_visible()
    _type(page, "@member")
    expect(page.get_by_test_id("mention-option-2")).to_be_visible()


def test_symbols_after_at_keep_the_composer_working(general):
    page = general
    box = _type(page, "lunch @(noon")
    expect(page.get_by_test_id("mention-suggestions")).to_have_count(0)
    _type(page, "@?")
    expect(page.get_by_test_id("mention-suggestions")).to_have_count(0)
    box = _type(page, "hi @al")
    expect(page.get_by_test_id("mention-option-1")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("hi @alice@tally.test ")
    page.get_by_test_id("composer-send").click()
    expect(page.get_by_test_id("messages").locator(".message").last).to_contain_text("hi @alice@tally.test")
    assert page.page_errors == []
