# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The chat composer sends one message per Enter or click; Shift+Enter adds a line."""

import re

from playwright.sync_api import expect

SEEDED_IN_GENERAL = 6


def bodies_in_general(api):
    api.login("alice@tally.test")
    status, body = api.get("/api/rooms/1/messages")
    assert status == 200, body
    return [message["body"] for message in body["messages"]]


def open_general(login):
    page = login("bob@tally.test")
    page.goto("/rooms/1")
    expect(page.get_by_test_id("messages").locator("[data-testid^='message-']")).to_have_count(
        SEEDED_IN_GENERAL
    )
    return page


def sent_messages(page):
    return page.get_by_test_id("messages").get_by_text(re.compile(r"^On my way"))


def test_enter_sends_one_message(login, api):
    page = open_general(login)
    composer = page.get_by_test_id("composer-input")
    composer.fill("On my way to the airport")
    with page.expect_response(
        lambda r: r.url.endswith("/api/rooms/1/messages") and r.request.method == "POST"
    ):
        composer.press("Enter")
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("composer-send")).to_have_text("Send")
    expect(sent_messages(page)).to_have_count(1)
    page.reload()
    expect(sent_messages(page)).to_have_count(1)
    bodies = bodies_in_general(api)
    assert bodies.count("On my way to the airport") == 1, bodies
    assert len(bodies) == SEEDED_IN_GENERAL + 1, bodies


def test_send_button_sends_one_message(login, api):
    page = open_general(login)
    page.get_by_test_id("composer-input").fill("On my way, 5 minutes")
    page.get_by_test_id("composer-send").click()
    expect(page.get_by_test_id("composer-input")).to_have_value("")
    expect(page.get_by_test_id("composer-send")).to_have_text("Send")
    expect(sent_messages(page)).to_have_count(1)
    bodies = bodies_in_general(api)
    assert bodies.count("On my way, 5 minutes") == 1, bodies
    assert len(bodies) == SEEDED_IN_GENERAL + 1, bodies


def test_shift_enter_adds_a_line_then_enter_sends_once(login, api):
    page = open_general(login)
    composer = page.get_by_test_id("composer-input")
    composer.click()
    composer.press_sequentially("On my way")
    composer.press("Shift+Enter")
    composer.press_sequentially("see you at 6")
    expect(composer).to_have_value("On my way\nsee you at 6")
    assert len(bodies_in_general(api)) == SEEDED_IN_GENERAL, "Shift+Enter sent the message"
    composer.press("Enter")
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("composer-send")).to_have_text("Send")
    expect(sent_messages(page)).to_have_count(1)
    bodies = bodies_in_general(api)
    assert bodies.count("On my way\nsee you at 6") == 1, bodies
    assert len(bodies) == SEEDED_IN_GENERAL + 1, bodies
