# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A customer's reply moves a pending or solved ticket back to open; an agent's reply sets the
status the agent picked; a closed ticket refuses replies and notes from anyone (409)."""

from playwright.sync_api import expect


def ticket(api, ticket_id):
    status, body = api.get(f"/api/tickets/{ticket_id}")
    assert status == 200, body
    return body


def view_counts(api):
    status, body = api.get("/api/views")
    assert status == 200, body
    return {view["id"]: view["count"] for view in body["views"]}


def test_customer_reply_reopens_pending_ticket(api):
    api.login("dmitri@desk.test")
    status, body = api.post("/api/tickets/2/comments", {"body": "Yes, that's the right address.", "internal": False})
    assert status == 201, body
    assert body["ticket"]["status"] == "open", body["ticket"]

    api.login("priya@desk.test")
    reopened = ticket(api, 2)
    assert reopened["status"] == "open", reopened
    assert reopened["comments"][-1]["body"] == "Yes, that's the right address."
    assert view_counts(api)["pending"] == 2


def test_customer_reply_reopens_solved_ticket(login, api):
    page = login("carla@desk.test", path="/tickets/9")
    expect(page.get_by_test_id("request-status")).to_have_text("Solved")
    expect(page.get_by_test_id("view-count-open-requests")).to_have_text("2")
    page.get_by_test_id("composer-input").fill("It's happening again since this morning")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id("conversation").get_by_text("It's happening again since this morning")).to_be_visible()
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    expect(page.get_by_test_id("view-count-open-requests")).to_have_text("3")

    api.login("sam@desk.test")
    reopened = ticket(api, 9)
    assert reopened["status"] == "open", reopened
    assert reopened["solved_at"] is None, reopened
    counts = view_counts(api)
    assert counts["unsolved"] == 10 and counts["solved"] == 1, counts


def test_agent_reply_sets_the_chosen_status(api):
    api.login("sam@desk.test")
    status, body = api.post("/api/tickets/8/comments", {"body": "Any news on the webhook ID?", "internal": False, "status": "pending"})
    assert status == 201, body
    assert ticket(api, 8)["status"] == "pending"
    status, body = api.post("/api/tickets/1/comments", {"body": "Could you try a private window?", "internal": False, "status": "pending"})
    assert status == 201, body
    assert ticket(api, 1)["status"] == "pending"
    status, body = api.post("/api/tickets/6/comments", {"body": "Confirmed with the customer.", "internal": True, "status": "solved"})
    assert status == 201, body
    assert ticket(api, 6)["status"] == "solved"
    status, body = api.post("/api/tickets/10/comments", {"body": "Fixed in today's release.", "internal": False, "status": "solved"})
    assert status == 201, body
    solved = ticket(api, 10)
    assert solved["status"] == "solved" and solved["solved_at"], solved


def test_closed_ticket_refuses_replies(api):
    api.login("erin@desk.test")
    status, body = api.post("/api/tickets/7/comments", {"body": "Still no email!", "internal": False})
    assert status == 409, body

    api.login("sam@desk.test")
    for comment in (
        {"body": "Reopening this.", "internal": False, "status": "open"},
        {"body": "Reply without a status.", "internal": False},
        {"body": "Note for the team.", "internal": True},
    ):
        status, body = api.post("/api/tickets/7/comments", comment)
        assert status == 409, (comment, body)

    closed = ticket(api, 7)
    assert closed["status"] == "closed", closed
    assert [comment["id"] for comment in closed["comments"]] == [9], closed["comments"]


def test_agent_reply_without_a_status_keeps_the_status(api):
    # the API's "status" is optional for agents: a reply without one leaves the status alone
    api.login("sam@desk.test")
    status, body = api.post("/api/tickets/8/comments", {"body": "Still looking into the webhook ID.", "internal": False})
    assert status == 201, body
    assert ticket(api, 8)["status"] == "pending"
    status, body = api.post("/api/tickets/6/comments", {"body": "Sending the summary we promised.", "internal": False})
    assert status == 201, body
    kept = ticket(api, 6)
    assert kept["status"] == "solved" and kept["solved_at"], kept
