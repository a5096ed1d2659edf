# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The chat composer sends one message per Enter or click, also when Enter is pressed again or
Send double-clicked while the message is on its way; Shift+Enter adds a line."""

import re

from playwright.sync_api import expect

SEEDED_IN_GENERAL = 6


def bodies_in_general(api):
    api.login("alice@tally.test")
    status, body = api.get("/api/rooms/1/messages")
    assert status == 200, body
    return [message["body"] for message in body["messages"]]


def open_general(login):
    page = login("bob@tally.test", path="/rooms/1")
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
    assert bodies.count("On my way, 5 minutes") == 1, f"double click on Send: {bodies}"
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


class HeldPosts:
    """Holds the page's POSTs of new messages in #general (they stay in flight) until released."""

    def __init__(self, page):
        self.page = page
        self.held = []
        self.answered = 0
        self.holding = True
        page.route(lambda url: url.endswith("/api/rooms/1/messages"), self._route)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._finished)

    def _is_post(self, request):
        return request.method == "POST" and request.url.endswith("/api/rooms/1/messages")

    def _route(self, route):
        if self._is_post(route.request) and self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def _finished(self, request):
        if self._is_post(request):
            self.answered += 1

    def release(self):
        """Let every held POST through and wait until the app has answered all of them."""
        # give a second request, if the page sends one, the time to be on its way
        self.page.wait_for_timeout(250)
        assert self.held, "the page sent no message"
        sent = self.answered + len(self.held)
        self.holding = False
        for route in self.held:
            route.continue_()
        self.held = []
        for _ in range(100):
            if self.answered >= sent:
                break
            self.page.wait_for_timeout(50)
        assert self.answered >= sent, "the app did not answer"
        self.holding = True


def test_enter_twice_or_double_click_while_sending(login, api):
    page = open_general(login)
    posts = HeldPosts(page)
    composer = page.get_by_test_id("composer-input")
    composer.fill("On my way to the airport")
    composer.press("Enter")
    composer.press("Enter")  # the first one is still on its way
    posts.release()
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("composer-send")).to_have_text("Send")
    bodies = bodies_in_general(api)
    assert bodies.count("On my way to the airport") == 1, f"Enter twice while sending: {bodies}"
    expect(sent_messages(page)).to_have_count(1)

    composer.fill("On my way, 5 minutes")
    page.get_by_test_id("composer-send").dblclick()
    posts.release()
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("composer-send")).to_have_text("Send")
    bodies = bodies_in_general(api)
    assert bodies.count("On my way, 5 minutes") == 1, f"double click on Send: {bodies}"
    assert len(bodies) == SEEDED_IN_GENERAL + 2, bodies
    expect(sent_messages(page)).to_have_count(2)


def test_arrow_keys_move_one_mention_suggestion_at_a_time(login, api):
    page = open_general(login)
    composer = page.get_by_test_id("composer-input")
    composer.click()
    composer.press_sequentially("Thanks @")
    options = page.get_by_test_id("mention-suggestions").get_by_role("option")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert options.count() >= 3
    second_email = re.search(r"[\w.+-]+@[\w.-]+", options.nth(1).inner_text()).group(0)
    composer.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(2)).to_have_attribute("aria-selected", "false")
    composer.press("Enter")
    expect(page.get_by_test_id("mention-suggestions")).to_have_count(0)
    expect(composer).to_have_value(re.compile(r"^Thanks @" + re.escape(second_email)))
    assert len(bodies_in_general(api)) == SEEDED_IN_GENERAL, "picking a suggestion sent the message"
