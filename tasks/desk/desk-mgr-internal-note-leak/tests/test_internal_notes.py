# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Internal notes never reach customers (ticket page, ticket API, search); agents and admins
still see and find them."""

from urllib.parse import quote

from playwright.sync_api import expect

NOTE_ON_5 = "Second refund request this quarter. Check with finance before refunding."
# customer, ticket: the ids of the comments that customer may see on it
PUBLIC_COMMENTS = {
    ("carla@desk.test", 5): [6],
    ("dmitri@desk.test", 2): [3],
    ("felix@desk.test", 8): [10],
}


def search(api, q):
    status, body = api.get(f"/api/search?q={quote(q)}")
    assert status == 200, body
    return body["tickets"]


def test_customer_page_hides_internal_notes(login):
    page = login("carla@desk.test", path="/tickets/5")
    expect(page.get_by_test_id("comment-6")).to_be_visible()
    expect(page.get_by_test_id("comment-5")).to_have_count(0)
    expect(page.get_by_text("Check with finance")).to_have_count(0)
    expect(page.locator("[data-testid$='-internal']")).to_have_count(0)


def test_customer_api_hides_internal_notes(api):
    for (email, ticket_id), visible in PUBLIC_COMMENTS.items():
        api.login(email)
        status, ticket = api.get(f"/api/tickets/{ticket_id}")
        assert status == 200, ticket
        assert [comment["id"] for comment in ticket["comments"]] == visible, (email, ticket["comments"])
        assert not any(comment["internal"] for comment in ticket["comments"]), ticket["comments"]


def test_customer_search_ignores_internal_notes(api):
    api.login("carla@desk.test")
    for q in ("finance", "quarter", "check with"):
        assert search(api, q) == [], f"{q!r} is only in an internal note"
    results = search(api, "refund")
    assert [result["id"] for result in results] == [5], results
    assert "finance" not in results[0]["snippet"], results[0]

    api.login("felix@desk.test")
    assert search(api, "ENG-212") == [], "ENG-212 is only in an internal note"
    assert [result["id"] for result in search(api, "webhook")] == [8]


def test_agents_and_admins_still_see_internal_notes(login, api):
    page = login("sam@desk.test", path="/tickets/5")
    expect(page.get_by_test_id("comment-5-internal")).to_be_visible()
    expect(page.get_by_test_id("comment-5-body")).to_have_text(NOTE_ON_5)
    expect(page.get_by_test_id("comment-6")).to_be_visible()

    api.login("priya@desk.test")
    status, ticket = api.get("/api/tickets/2")
    assert status == 200, ticket
    assert [(c["id"], c["internal"]) for c in ticket["comments"]] == [(3, False), (4, True)]
    results = search(api, "finance")
    assert [result["id"] for result in results] == [5], results
    assert results[0]["match"] == "comment" and "finance" in results[0]["snippet"], results[0]

    api.login("ada@desk.test")  # the admin works tickets too
    status, ticket = api.get("/api/tickets/8")
    assert status == 200, ticket
    assert [(c["id"], c["internal"]) for c in ticket["comments"]] == [(10, False), (11, True)]
    assert [result["id"] for result in search(api, "ENG-212")] == [8]
