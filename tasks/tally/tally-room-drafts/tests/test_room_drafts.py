# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Composer drafts belong to one room: they survive switching rooms and never leak."""

from playwright.sync_api import expect

GENERAL_DRAFT = "Can someone book the team lunch?"
TRAVEL_DRAFT = "Taxi receipts are in the drive"


def open_room(page, room_id, title):
    page.get_by_test_id(f"room-link-{room_id}").click()
    expect(page.get_by_test_id("room-title")).to_have_text(title)
    expect(page.get_by_test_id(f"chat-{room_id}")).to_be_visible()
    return page.get_by_test_id("composer-input")


def room_bodies(api, room_id):
    status, body = api.get(f"/api/rooms/{room_id}/messages")
    assert status == 200, body
    return [message["body"] for message in body["messages"]]


def test_drafts_stay_in_their_room(login):
    page = login("alice@tally.test")
    composer = open_room(page, 1, "#general")
    composer.fill(GENERAL_DRAFT)

    composer = open_room(page, 2, "#travel")
    expect(composer).to_have_value("")
    composer.fill(TRAVEL_DRAFT)

    composer = open_room(page, 1, "#general")
    expect(composer).to_have_value(GENERAL_DRAFT)
    composer = open_room(page, 2, "#travel")
    expect(composer).to_have_value(TRAVEL_DRAFT)

    # Clearing #travel's draft must not bring another room's text into it.
    composer.fill("")
    composer = open_room(page, 1, "#general")
    expect(composer).to_have_value(GENERAL_DRAFT)
    composer = open_room(page, 2, "#travel")
    expect(composer).to_have_value("")


def test_sending_clears_only_that_rooms_draft(login, api):
    page = login("alice@tally.test")
    composer = open_room(page, 2, "#travel")
    composer.fill(TRAVEL_DRAFT)

    composer = open_room(page, 1, "#general")
    expect(composer).to_have_value("")
    composer.fill("Lunch at noon?")
    composer.press("Enter")
    expect(page.get_by_test_id("messages")).to_contain_text("Lunch at noon?")
    expect(composer).to_have_value("")

    composer = open_room(page, 2, "#travel")
    expect(composer).to_have_value(TRAVEL_DRAFT)
    composer = open_room(page, 1, "#general")
    expect(composer).to_have_value("")

    api.login("alice@tally.test")
    assert room_bodies(api, 1).count("Lunch at noon?") == 1
    assert "Lunch at noon?" not in room_bodies(api, 2)


def test_switching_rooms_keeps_the_app_open_and_each_draft(login):
    """Going from room to room in the sidebar is the app's own navigation (nothing typed
    elsewhere, like the search box, is lost to a page reload), and each room shows its draft."""
    page = login("alice@tally.test")
    composer = open_room(page, 1, "#general")
    page.evaluate("() => { window.__sameAppSession = true; }")
    composer.fill(GENERAL_DRAFT)
    composer = open_room(page, 2, "#travel")
    expect(composer).to_have_value("")
    composer.fill(TRAVEL_DRAFT)
    composer = open_room(page, 1, "#general")
    expect(composer).to_have_value(GENERAL_DRAFT)
    assert page.evaluate("() => window.__sameAppSession === true"), "switching rooms reloaded the page"
