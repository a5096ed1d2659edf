# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Chat rooms: reading, sending, drafts, markdown, suggestions."""

import json

from conftest import ALICE, BOB, CAROL, assert_no_reload, mark_page, ok, settle
from playwright.sync_api import expect


def test_room_shows_seeded_messages_with_authors(login):
    page = login(ALICE, path="/rooms/1")
    expect(page.get_by_test_id("room-title")).to_have_text("#general")
    expect(page.get_by_test_id("author-2")).to_have_text("Bob Member")
    expect(page.get_by_test_id("body-6")).to_have_text("Thanks Bob, paying you back today")
    expect(page.get_by_test_id("room-members")).to_be_visible()
    expect(page.get_by_text("7 members")).to_be_visible()


def test_markdown_is_rendered(login):
    page = login(ALICE, path="/rooms/1")
    expect(page.get_by_test_id("body-4").locator("del")).to_have_text("Legacy")
    expect(page.get_by_test_id("body-4").locator("strong").first).to_have_text("Travel")
    expect(page.get_by_test_id("body-2").get_by_test_id("mention")).to_have_text(
        "@alice@tally.test"
    )
    expect(page.get_by_test_id("body-3").locator("blockquote")).to_contain_text(
        "Receipts are required"
    )
    expect(page.get_by_test_id("body-3").locator("code")).to_have_text("Attach receipt")
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("body-7").locator("a")).to_have_attribute(
        "href", "https://www.lufthansa.com"
    )
    expect(page.get_by_test_id("body-8").locator("pre")).to_contain_text("LH 401  JFK -> FRA")


def test_html_typed_in_a_message_is_shown_as_text(login, api):
    api.login(BOB)
    body = "<b>bold?</b> `<i>x</i>` [<u>u</u>](https://example.com)"
    message = ok(api.post("/api/rooms/1/messages", {"body": body}), 201)["message"]
    page = login(ALICE, path="/rooms/1")
    rendered = page.get_by_test_id(f"body-{message['id']}")
    expect(rendered).to_contain_text("<b>bold?</b>")
    expect(rendered.locator("code")).to_have_text("<i>x</i>")
    expect(rendered.locator("b, i, u")).to_have_count(0)


def test_enter_sends_a_message_once_and_clears_the_box(login, api):
    page = login(BOB, path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    composer.fill("Lunch at noon?")
    composer.press("Enter")
    expect(page.get_by_test_id("messages")).to_contain_text("Lunch at noon?")
    expect(composer).to_have_value("")
    api.login(BOB)
    bodies = [m["body"] for m in ok(api.get("/api/rooms/1/messages?after=6"))["messages"]]
    assert bodies == ["Lunch at noon?"], f"expected the message stored once, got {bodies}"


def test_shift_enter_adds_a_line_instead_of_sending(login):
    page = login(BOB, path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    composer.fill("first line")
    composer.press("Shift+Enter")
    composer.press_sequentially("second")
    expect(composer).to_have_value("first line\nsecond")
    expect(page.get_by_test_id("messages")).not_to_contain_text("first line")
    page.get_by_test_id("composer-send").click()
    sent = page.get_by_test_id("messages").locator("[data-testid^='body-']").last
    expect(sent).to_contain_text("first line")
    expect(sent.locator("br")).to_have_count(1)


def test_failed_send_keeps_the_text_and_shows_the_error(login):
    page = login(BOB, path="/rooms/1")

    def refuse(route):
        if route.request.method == "POST":
            route.fulfill(
                status=500,
                content_type="application/json",
                body=json.dumps({"error": "Server is busy"}),
            )
        else:
            route.continue_()

    page.route("**/api/rooms/1/messages*", refuse)
    composer = page.get_by_test_id("composer-input")
    composer.fill("Please keep me")
    composer.press("Enter")
    expect(page.get_by_test_id("composer-error")).to_contain_text("Server is busy")
    expect(composer).to_have_value("Please keep me")


def test_chat_draft_survives_incoming_message(login, api):
    page = login(ALICE, path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    expect(page.get_by_test_id("message-6")).to_be_visible()
    composer.fill("half-typed thought")
    api.login(BOB)
    ok(api.post("/api/rooms/1/messages", {"body": "Incoming from Bob"}), 201)
    expect(page.get_by_test_id("messages")).to_contain_text("Incoming from Bob", timeout=10000)
    expect(composer).to_have_value("half-typed thought")


def test_draft_survives_leaving_the_room_and_coming_back(login):
    page = login(ALICE, path="/rooms/1")
    page.get_by_test_id("composer-input").fill("draft for general")
    mark_page(page)
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("composer-input")).to_have_value("")
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("report-row-1")).to_be_visible()
    page.get_by_test_id("room-link-1").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#general")
    expect(page.get_by_test_id("composer-input")).to_have_value("draft for general")
    assert_no_reload(page, "moving between rooms and reports")


def test_report_chat_draft_survives_a_report_action(login):
    page = login(ALICE, path="/reports/1")
    composer = page.get_by_test_id("chat-4").get_by_test_id("composer-input")
    composer.fill("Receipt coming")
    page.get_by_test_id("attach-receipt-3").click()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    expect(composer).to_have_value("Receipt coming")
    page.get_by_test_id("delete-expense-2").click()
    expect(page.get_by_test_id("report-total")).to_have_text("$807.00")
    expect(composer).to_have_value("Receipt coming")


def test_report_chat_shows_its_messages_and_accepts_comments(login):
    page = login(CAROL, path="/reports/1")
    chat = page.get_by_test_id("chat-4")
    expect(chat.get_by_test_id("body-16")).to_contain_text("Still waiting on the hotel receipt")
    chat.get_by_test_id("composer-input").fill("Auditor note")
    chat.get_by_test_id("composer-input").press("Enter")
    expect(chat.get_by_test_id("messages")).to_contain_text("Auditor note")


def test_mention_suggestions_ignore_capitals_and_insert_the_email(login):
    page = login(BOB, path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    composer.press_sequentially("Hi @ALI")
    expect(page.get_by_test_id("mention-option-1")).to_be_visible()
    expect(page.get_by_test_id("mention-option-1")).to_have_attribute("aria-selected", "true")
    composer.press("Enter")
    expect(composer).to_have_value("Hi @alice@tally.test ")
    expect(page.get_by_test_id("mention-suggestions")).to_have_count(0)


def test_emoji_suggestions_navigate_with_arrows(login):
    page = login(BOB, path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    composer.press_sequentially("Done :sm")
    suggestions = page.get_by_test_id("emoji-suggestions")
    expect(suggestions.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    settle(page)  # the list's own reset to its first item has run
    composer.press("ArrowDown")
    expect(suggestions.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    composer.press("ArrowUp")
    composer.press("ArrowUp")
    expect(suggestions.get_by_role("option").last).to_have_attribute("aria-selected", "true")
    composer.press("Escape")
    expect(suggestions).to_have_count(0)
    composer.fill("")
    composer.press_sequentially("Yay :tad")
    expect(page.get_by_test_id("emoji-option-tada")).to_be_visible()
    composer.press("Tab")
    expect(composer).to_have_value("Yay 🎉 ")


def test_switching_rooms_does_not_reload_the_page(login):
    page = login(ALICE, path="/rooms/1")
    expect(page.get_by_test_id("body-1")).to_be_visible()
    mark_page(page)
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    expect(page.get_by_test_id("body-10")).to_contain_text("handle the hotel")
    expect(page.get_by_test_id("body-1")).to_have_count(0)
    assert_no_reload(page, "clicking a room in the sidebar")


def test_unknown_room_shows_an_error(login):
    page = login(BOB, path="/rooms/4")  # Alice's report chat
    expect(page.get_by_test_id("room-error")).to_contain_text("Room not found")
