# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Search finds the chat messages the user can read, in the API and on the results page."""

import re

from playwright.sync_api import expect


def search(api, email, q):
    api.login(email)
    status, body = api.get(f"/api/search?q={q}")
    assert status == 200, body
    messages = body.get("messages")
    assert isinstance(messages, list), f"no messages in the search results: {body}"
    return body, {message["id"]: message for message in messages}


def test_api_returns_messages(api):
    _, hits = search(api, "alice@tally.test", "RECEIPT")
    assert set(hits) == {3, 14, 16}, sorted(hits)
    assert {i: hits[i]["room_id"] for i in hits} == {3: 1, 14: 6, 16: 4}
    assert hits[16]["body"] == "Still waiting on the hotel receipt from The Standard."

    body, hits = search(api, "alice@tally.test", "berlin")
    assert set(hits) == {7}, sorted(hits)
    assert hits[7]["room_id"] == 2
    assert [r["id"] for r in body["reports"]] == [3]
    assert [e["id"] for e in body["expenses"]] == [8]

    _, hits = search(api, "alice@tally.test", "lisbon")
    assert set(hits) == {13}, sorted(hits)


def chat_messages(api, room_id):
    status, room = api.get(f"/api/rooms/{room_id}")
    assert status == 200, room
    status, body = api.get(f"/api/rooms/{room_id}/messages")
    assert status == 200, body
    return room, {message["id"]: message for message in body["messages"]}


def test_api_results_show_author_room_and_date(api):
    # (user, query, message id, room id, author id, author name, room name)
    for email, q, message_id, room_id, author_id, author, room_name in [
        ("alice@tally.test", "hotel", 10, 2, 6, "Frank Fischer", "travel"),
        ("alice@tally.test", "hotel", 16, 4, 1, "Alice Admin", "NYC client visit"),
        ("bob@tally.test", "RECEIPTS", 14, 6, 2, "Bob Member", "Berlin offsite"),
        ("henri@tally.test", "Lisbon", 13, 3, 9, "Ines Moreau", "general"),
    ]:
        _, hits = search(api, email, q)
        assert message_id in hits, f"{email} searching {q!r}: {sorted(hits)}"
        hit = hits[message_id]
        room, messages = chat_messages(api, room_id)
        seen_in_chat = messages[message_id]
        assert hit["room_id"] == room_id, hit
        assert hit["body"] == seen_in_chat["body"], hit
        assert hit["author"]["id"] == author_id, hit
        assert hit["author"]["name"] == author, hit
        assert (hit["room_name"] or "").lstrip("#") == room_name == room["name"], hit
        assert hit["created_at"] == seen_in_chat["created_at"], hit


def test_only_messages_the_user_can_read(api):
    _, hits = search(api, "bob@tally.test", "receipt")
    assert set(hits) == {3, 14}, f"Bob cannot open Alice's report chat: {sorted(hits)}"
    _, hits = search(api, "bob@tally.test", "lisbon")
    assert hits == {}, "Bob is not in Euro Ops"
    _, hits = search(api, "carol@tally.test", "receipt")
    assert set(hits) == {3, 14, 16}, sorted(hits)
    _, hits = search(api, "henri@tally.test", "receipt")
    assert hits == {}, "Henri is only in Euro Ops"
    _, hits = search(api, "henri@tally.test", "LISBON")
    assert set(hits) == {13}, sorted(hits)


# Frank's message was posted at 2024-05-04T08:00:00Z: May 4 in any time zone from UTC-8 to UTC+15
MAY_4 = re.compile(r"May\.?\s+0?4\b|\b0?4\.?\s+May\b|2024-05-04|\b0?5/0?4\b")


def message_result(results, text):
    """The link of the message result that contains ``text``, and the result around it (its
    list item, or else the link itself)."""
    link = results.get_by_role("link").filter(has_text=text)
    expect(link).to_have_count(1)
    # `has` is looked up inside each list item
    items = results.locator("li").filter(has=results.page.get_by_role("link").filter(has_text=text))
    return link, items.last if items.count() else link


def test_results_page_lists_messages(login):
    page = login("alice@tally.test", path="/search?q=hotel")
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("search-result-expense-3")).to_be_visible()
    expect(results.get_by_text(re.compile(r"^Messages(\s*\d+)?$")).first).to_be_visible()
    _, frank = message_result(results, "handle the hotel for the offsite")
    expect(frank).to_contain_text("Frank Fischer")
    expect(frank).to_contain_text("travel")  # the room, not the workspace "Acme Travel"
    expect(frank).to_contain_text(MAY_4)
    link, alice = message_result(results, "Still waiting on the hotel receipt")
    expect(alice).to_contain_text("Alice Admin")
    expect(alice).to_contain_text("NYC client visit")
    expect(alice).not_to_contain_text("Frank Fischer")

    link.click()
    # the report's chat: its room, or the report page that shows it
    expect(page).to_have_url(re.compile(r"/(rooms/4|reports/1)(?:[?#].*)?$"))
    expect(page.get_by_test_id("message-16")).to_be_visible()
    page.go_back()
    link, _ = message_result(results, "handle the hotel for the offsite")
    link.click()
    expect(page).to_have_url(re.compile(r"/rooms/2(?:[?#].*)?$"))
    expect(page.get_by_test_id("message-10")).to_be_visible()
    expect(page.get_by_test_id("room-title")).to_contain_text("travel")


def test_search_box_for_a_member(login):
    page = login("bob@tally.test")
    box = page.get_by_test_id("search-input")
    box.fill("receipt")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=receipt$"))
    results = page.get_by_test_id("search-results")
    expect(
        results.get_by_role("link").filter(has_text="Anything over $75.00 needs a receipt")
    ).to_have_count(1)
    expect(
        results.get_by_role("link").filter(has_text="Submitted for approval, all receipts attached")
    ).to_have_count(1)
    expect(results.get_by_text("Still waiting on the hotel receipt")).to_have_count(0)
    box.fill("berlin")
    box.press("Enter")
    expect(results.get_by_test_id("search-result-report-3")).to_be_visible()
    expect(results.get_by_test_id("search-result-expense-8")).to_be_visible()
    expect(
        results.get_by_role("link").filter(has_text="Who's booking the Berlin flights?")
    ).to_have_count(1)
