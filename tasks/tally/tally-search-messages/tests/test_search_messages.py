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


def test_results_page_lists_messages(login):
    page = login("alice@tally.test")
    page.goto("/search?q=hotel")
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("search-result-expense-3")).to_be_visible()
    expect(results.get_by_text(re.compile(r"^Messages(\s*\d+)?$")).first).to_be_visible()
    frank = results.get_by_role("link").filter(has_text="handle the hotel for the offsite")
    expect(frank).to_have_count(1)
    expect(
        results.get_by_role("link").filter(has_text="Still waiting on the hotel receipt")
    ).to_have_count(1)
    frank.click()
    expect(page).to_have_url(re.compile(r"/rooms/2(?:[?#].*)?$"))
    expect(page.get_by_test_id("message-10")).to_be_visible()


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
