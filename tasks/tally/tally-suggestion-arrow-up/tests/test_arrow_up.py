# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Arrow Up on the first suggestion highlights the last one; Enter then picks it."""

from playwright.sync_api import expect


def open_composer(login):
    page = login("bob@tally.test", path="/rooms/1")
    expect(page.get_by_test_id("message-6")).to_be_visible()
    composer = page.get_by_test_id("composer-input")
    composer.click()
    return page, composer


def expect_only_selected(options, index):
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    expect(options.locator("xpath=self::*[@aria-selected='true']")).to_have_count(1)


def test_mentions_wrap_upwards(login, api):
    page, composer = open_composer(login)
    composer.press_sequentially("Thanks @")
    options = page.get_by_test_id("mention-suggestions").locator("[role='option']")
    expect(options).to_have_count(6)
    expect_only_selected(options, 0)
    expect(options.nth(5)).to_have_attribute("data-testid", "mention-option-6")

    composer.press("ArrowUp")
    expect_only_selected(options, 5)
    composer.press("ArrowUp")
    expect_only_selected(options, 4)
    composer.press("ArrowDown")
    composer.press("ArrowDown")
    expect_only_selected(options, 0)
    composer.press("ArrowUp")
    expect_only_selected(options, 5)

    composer.press("Enter")
    expect(composer).to_have_value("Thanks @frank@tally.test ")
    expect(page.get_by_test_id("mention-suggestions")).to_have_count(0)
    api.login("bob@tally.test")
    status, body = api.get("/api/rooms/1/messages")
    assert status == 200 and len(body["messages"]) == 6, "Enter sent the message"


def test_emoji_wrap_upwards(login):
    page, composer = open_composer(login)
    composer.press_sequentially("Great trip :sm")
    options = page.get_by_test_id("emoji-suggestions").locator("[role='option']")
    expect(options.first).to_be_visible()
    count = options.count()
    assert count >= 2, count
    expect_only_selected(options, 0)
    last = options.nth(count - 1)
    name = last.get_attribute("data-testid").removeprefix("emoji-option-")
    char = last.inner_text().replace(f":{name}:", "").strip()
    assert char, last.inner_text()

    composer.press("ArrowUp")
    expect_only_selected(options, count - 1)
    composer.press("Enter")
    expect(composer).to_have_value(f"Great trip {char} ")
    expect(page.get_by_test_id("emoji-suggestions")).to_have_count(0)
