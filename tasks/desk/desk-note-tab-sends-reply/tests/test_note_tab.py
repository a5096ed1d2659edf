# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Switching the reply box between Public reply and Internal note keeps the typed text and sends
nothing; the text goes out only on submit, with the kind of the selected tab."""

from playwright.sync_api import expect

SEEDED_ON_TICKET_1 = 2
NEXT_COMMENT = 14  # 13 comments are seeded
NOTE = "Checked the auth logs, her account is locked after 5 failed attempts"
REPLY = "Hi Carla, I have unlocked your account, please try again."


def record_posts(page):
    posts = []
    page.on(
        "request",
        lambda request: posts.append(request.post_data)
        if request.method == "POST" and request.url.endswith("/api/tickets/1/comments")
        else None,
    )
    return posts


def comments_on_ticket_1(api):
    api.login("sam@desk.test")
    status, ticket = api.get("/api/tickets/1")
    assert status == 200, ticket
    return ticket["comments"]


def test_internal_note_tab_keeps_text_and_posts_a_note(login, api):
    page = login("sam@desk.test", path="/tickets/1")
    expect(page.get_by_test_id("comment-2")).to_be_visible()
    posts = record_posts(page)
    composer = page.get_by_test_id("composer-input")
    composer.fill(NOTE)
    page.get_by_test_id("composer-tab-internal").click()
    expect(page.get_by_test_id("composer-tab-internal")).to_have_attribute("aria-selected", "true")
    expect(composer).to_have_value(NOTE)

    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-internal")).to_be_visible()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-body")).to_have_text(NOTE)
    expect(composer).to_have_value("")
    assert len(posts) == 1, f"the page sent {len(posts)} comments: {posts}"

    comments = comments_on_ticket_1(api)
    assert len(comments) == SEEDED_ON_TICKET_1 + 1, comments
    assert comments[-1]["body"] == NOTE and comments[-1]["internal"] is True, comments[-1]


def test_public_reply_tab_keeps_text_and_posts_a_reply(login, api):
    page = login("sam@desk.test", path="/tickets/1")
    expect(page.get_by_test_id("comment-2")).to_be_visible()
    posts = record_posts(page)
    composer = page.get_by_test_id("composer-input")
    page.get_by_test_id("composer-tab-internal").click()
    expect(page.get_by_test_id("composer-tab-internal")).to_have_attribute("aria-selected", "true")
    composer.fill(REPLY)
    page.get_by_test_id("composer-tab-public").click()
    expect(page.get_by_test_id("composer-tab-public")).to_have_attribute("aria-selected", "true")
    expect(composer).to_have_value(REPLY)

    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-body")).to_have_text(REPLY)
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-internal")).to_have_count(0)
    expect(composer).to_have_value("")
    assert len(posts) == 1, f"the page sent {len(posts)} comments: {posts}"

    comments = comments_on_ticket_1(api)
    assert len(comments) == SEEDED_ON_TICKET_1 + 1, comments
    assert comments[-1]["body"] == REPLY and comments[-1]["internal"] is False, comments[-1]
