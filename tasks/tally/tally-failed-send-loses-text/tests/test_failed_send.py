# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A message that could not be sent stays in the message box (and as the room's draft) until a
send succeeds."""

import re

from playwright.sync_api import expect

SEEDED_IN_GENERAL = 6


def bodies_in_general(api):
    api.login("alice@tally.test")
    status, body = api.get("/api/rooms/1/messages")
    assert status == 200, body
    return [message["body"] for message in body["messages"]]


def open_general(login, email="bob@tally.test"):
    page = login(email, path="/rooms/1")
    expect(page.get_by_test_id("message-6")).to_be_visible()
    return page


def test_refused_message_stays_in_the_box(login, api):
    page = open_general(login)
    composer = page.get_by_test_id("composer-input")
    long_text = "Travel policy FAQ. " + "Book economy for flights under six hours. " * 100
    assert len(long_text) > 4000
    composer.fill(long_text)
    composer.press("Enter")
    expect(page.get_by_test_id("composer-error")).to_contain_text(re.compile(r"4[,.\s]?000"))
    expect(composer).to_have_value(long_text)
    assert len(bodies_in_general(api)) == SEEDED_IN_GENERAL

    short_text = long_text[:300].strip()
    composer.fill(short_text)
    page.get_by_test_id("composer-send").click()
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("composer-error")).to_have_count(0)
    bodies = bodies_in_general(api)
    assert bodies.count(short_text) == 1, bodies
    assert len(bodies) == SEEDED_IN_GENERAL + 1, bodies


def test_offline_message_is_kept_and_sent_later(login, api):
    page = open_general(login)
    offline = True

    def posts(route):
        if offline and route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r"/api/rooms/1/messages$"), posts)
    composer = page.get_by_test_id("composer-input")
    composer.fill("Landed, heading to the hotel")
    page.get_by_test_id("composer-send").click()
    expect(page.get_by_test_id("composer-error")).to_be_visible()
    expect(composer).to_have_value("Landed, heading to the hotel")
    assert len(bodies_in_general(api)) == SEEDED_IN_GENERAL

    # the unsent text is the room's draft: it is there again after a visit to another room
    page.get_by_test_id("room-link-2").click()
    expect(page.get_by_test_id("message-7")).to_be_visible()
    expect(page.get_by_test_id("composer-input")).to_have_value("")
    page.get_by_test_id("room-link-1").click()
    expect(page.get_by_test_id("message-6")).to_be_visible()
    expect(composer).to_have_value("Landed, heading to the hotel")

    offline = False
    composer.press("Enter")
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("messages").get_by_text("Landed, heading to the hotel")).to_have_count(1)
    bodies = bodies_in_general(api)
    assert bodies.count("Landed, heading to the hotel") == 1, bodies
    assert len(bodies) == SEEDED_IN_GENERAL + 1, bodies
