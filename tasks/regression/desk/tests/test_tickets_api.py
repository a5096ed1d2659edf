# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The tickets API: views, lists, details, creating, changing, comments and bulk changes."""

from datetime import UTC, datetime

SAM, CARLA, DMITRI = "sam@desk.test", "carla@desk.test", "dmitri@desk.test"
SUMMARY_KEYS = {
    "id",
    "subject",
    "status",
    "priority",
    "requester",
    "assignee",
    "tags",
    "created_at",
    "updated_at",
    "due_at",
    "solved_at",
    "overdue",
    "comment_count",
}


def hours_between(start, end):
    parse = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)  # noqa: E731
    return (parse(end) - parse(start)).total_seconds() / 3600


def ok(answer, expected=200):
    status, body = answer
    assert status == expected, f"expected {expected}, got {status}: {body}"
    return body


def test_staff_views_and_counts(api_as):
    views = ok(api_as(SAM).get("/api/views"))["views"]
    assert [(v["id"], v["name"], v["count"]) for v in views] == [
        ("mine", "My unsolved tickets", 3),
        ("unassigned", "Unassigned", 3),
        ("unsolved", "All unsolved", 9),
        ("overdue", "Overdue", 3),
        ("pending", "Pending", 3),
        ("solved", "Solved", 2),
        ("all", "All tickets", 12),
    ]
    priya = {v["id"]: v["count"] for v in ok(api_as("priya@desk.test").get("/api/views"))["views"]}
    assert priya["mine"] == 3, "'My unsolved tickets' must count the signed-in agent's tickets"


def test_customer_views_and_counts(api_as):
    views = ok(api_as(CARLA).get("/api/views"))["views"]
    assert [(v["id"], v["count"]) for v in views] == [
        ("requests", 3),
        ("open-requests", 2),
        ("solved-requests", 1),
    ]


def test_ticket_list_default_view_and_summary_shape(api_as):
    body = ok(api_as(SAM).get("/api/tickets"))
    assert body["view"] == {"id": "mine", "name": "My unsolved tickets"}
    assert [t["id"] for t in body["tickets"]] == [1, 8, 5], "newest activity first"
    ticket = body["tickets"][0]
    assert set(ticket) == SUMMARY_KEYS, f"the summary's keys changed: {sorted(ticket)}"
    assert ticket["requester"] == {
        "id": 4,
        "name": "Carla Gómez",
        "email": "carla@desk.test",
        "organization": "Brightside Bakery",
    }
    assert ticket["assignee"] == {"id": 2, "name": "Sam Sato"}
    assert ticket["tags"] == ["login"] and ticket["comment_count"] == 2


def test_ticket_views_list_the_right_tickets(api_as):
    client = api_as(SAM)
    expected = {
        "unassigned": {3, 4, 11},
        "overdue": {3, 5, 12},
        "pending": {2, 8, 12},
        "solved": {6, 9},
        "all": set(range(1, 13)),
        "unsolved": {1, 2, 3, 4, 5, 8, 10, 11, 12},
    }
    for view, ids in expected.items():
        got = {t["id"] for t in ok(client.get(f"/api/tickets?view={view}"))["tickets"]}
        assert got == ids, f"view {view} lists {sorted(got)}"
    overdue = {t["id"]: t["overdue"] for t in ok(client.get("/api/tickets?view=all"))["tickets"]}
    assert {i for i, late in overdue.items() if late} == {3, 5, 12}


def test_customer_lists_only_their_own_requests(api_as):
    client = api_as(CARLA)
    body = ok(client.get("/api/tickets"))
    assert body["view"]["id"] == "requests"
    assert {t["id"] for t in body["tickets"]} == {1, 5, 9}
    solved = ok(client.get("/api/tickets?view=solved-requests"))["tickets"]
    assert [t["id"] for t in solved] == [9]


def test_tag_filter_is_case_insensitive(api_as):
    client = api_as(SAM)
    body = ok(client.get("/api/tickets?view=all&tag=billing"))
    assert {t["id"] for t in body["tickets"]} == {2, 5, 11}
    body = ok(client.get("/api/tickets?view=unsolved&tag=%20Billing%20"))
    assert {t["id"] for t in body["tickets"]} == {2, 5, 11}


def test_unknown_or_foreign_view_is_404(api_as):
    status, _ = api_as(SAM).get("/api/tickets?view=nope")
    assert status == 404
    status, _ = api_as(CARLA).get("/api/tickets?view=all")
    assert status == 404, "a customer must not use the agents' views"


def test_agent_ticket_detail_has_body_comments_and_permissions(api_as):
    ticket = ok(api_as(SAM).get("/api/tickets/2"))
    assert ticket["body"].startswith("Our latest invoice still has the Bremen address")
    assert [c["id"] for c in ticket["comments"]] == [3, 4]
    note = ticket["comments"][1]
    assert (
        note["internal"] is True and note["body"] == "Billing says a reissue takes 2 business days."
    )
    assert note["author"] == {"id": 3, "name": "Priya Patel", "role": "agent"}
    assert set(note) == {"id", "body", "internal", "created_at", "author"}, (
        f"a comment's keys: {sorted(note)}"
    )
    assert ticket["permissions"] == {
        "edit": True,
        "reply": True,
        "internal_note": True,
        "solve": False,
    }
    assert ticket["comment_count"] == 2


def test_customer_detail_hides_internal_notes(api_as):
    ticket = ok(api_as(DMITRI).get("/api/tickets/2"))
    assert [c["id"] for c in ticket["comments"]] == [3], "an internal note reached the customer"
    assert ticket["comment_count"] == 1
    assert ticket["permissions"] == {
        "edit": False,
        "reply": True,
        "internal_note": False,
        "solve": True,
    }
    listed = ok(api_as(DMITRI).get("/api/tickets"))["tickets"]
    assert {t["id"]: t["comment_count"] for t in listed}[2] == 1


def test_customer_gets_404_for_another_customers_ticket(api_as):
    client = api_as(CARLA)
    assert client.get("/api/tickets/3")[0] == 404
    assert client.patch("/api/tickets/3", {"status": "solved"})[0] == 404
    assert client.post("/api/tickets/3/comments", {"body": "hi"})[0] == 404
    assert api_as(SAM).get("/api/tickets/999")[0] == 404


def test_closed_ticket_permissions_and_409s(api_as):
    client = api_as(SAM)
    ticket = ok(client.get("/api/tickets/7"))
    assert ticket["permissions"] == {
        "edit": False,
        "reply": False,
        "internal_note": False,
        "solve": False,
    }
    status, body = client.patch("/api/tickets/7", {"priority": "high"})
    assert status == 409, f"a closed ticket was changed: {status} {body}"
    status, body = client.post("/api/tickets/7/comments", {"body": "Reopen?"})
    assert status == 409, f"a closed ticket took a reply: {status} {body}"
    status, body = api_as("erin@desk.test").post(
        "/api/tickets/7/comments", {"body": "Still broken"}
    )
    assert status == 409, f"a customer replied on a closed ticket: {status} {body}"


def test_customer_creates_a_request(api_as):
    ticket = ok(
        api_as(CARLA).post(
            "/api/tickets",
            {
                "subject": "  Oven timer app crashes  ",
                "body": "It crashes at noon.",
                "priority": "urgent",
                "assignee_id": 2,
                "requester_id": 5,
                "tags": ["x"],
            },
        ),
        201,
    )
    assert ticket["id"] == 13 and ticket["subject"] == "Oven timer app crashes"
    assert ticket["requester"]["id"] == 4, "a customer's request is always their own"
    assert (ticket["status"], ticket["priority"], ticket["assignee"], ticket["tags"]) == (
        "open",
        "normal",
        None,
        [],
    ), "agent-only fields sent by a customer must be ignored"
    assert hours_between(ticket["created_at"], ticket["due_at"]) == 24
    assert ticket["comments"] == [] and ticket["body"] == "It crashes at noon."


def test_agent_creates_a_ticket_for_a_customer(api_as):
    ticket = ok(
        api_as(SAM).post(
            "/api/tickets",
            {
                "subject": "Phone call: printer offline",
                "body": "Called in at 9.",
                "requester_id": 6,
                "priority": "high",
                "assignee_id": 3,
                "tags": [" Printer ", "hardware", "printer"],
            },
        ),
        201,
    )
    assert ticket["requester"]["id"] == 6 and ticket["assignee"] == {"id": 3, "name": "Priya Patel"}
    assert (
        ticket["priority"] == "high" and hours_between(ticket["created_at"], ticket["due_at"]) == 8
    )
    assert ticket["tags"] == ["printer", "hardware"], (
        "tags must be trimmed, lowercased, deduplicated"
    )


def test_agent_ticket_needs_a_customer_requester_and_an_agent_assignee(api_as):
    client = api_as(SAM)
    base = {"subject": "S", "body": "B"}
    for extra, field in [
        ({}, "requester_id"),
        ({"requester_id": 2}, "requester_id"),
        ({"requester_id": 4, "assignee_id": 5}, "assignee_id"),
        ({"requester_id": 4, "priority": "asap"}, "priority"),
    ]:
        status, body = client.post("/api/tickets", {**base, **extra})
        assert (status, body.get("field")) == (400, field), f"{extra} answered {status} {body}"


def test_new_ticket_subject_and_body_are_validated(api_as):
    client = api_as(CARLA)
    for sent, field in [
        ({"subject": "   ", "body": "B"}, "subject"),
        ({"body": "B"}, "subject"),
        ({"subject": "x" * 151, "body": "B"}, "subject"),
        ({"subject": 5, "body": "B"}, "subject"),
        ({"subject": "S", "body": " \n "}, "body"),
        ({"subject": "S", "body": "x" * 5001}, "body"),
    ]:
        status, body = client.post("/api/tickets", sent)
        assert (status, body.get("field")) == (400, field), (
            f"creating {str(sent)[:60]} answered {status} {body}"
        )
        assert body.get("error"), "a 400 must say what is wrong"
    assert (
        ok(client.post("/api/tickets", {"subject": "x" * 150, "body": "x" * 5000}), 201)["id"] == 13
    )


def test_tags_are_validated(api_as):
    client = api_as(SAM)
    for tags in (
        ["no spaces"],
        ["-dash-first"],
        ["x" * 31],
        "billing",
        [1],
        [f"t{i}" for i in range(11)],
    ):
        status, body = client.patch("/api/tickets/1", {"tags": tags})
        assert (status, body.get("field")) == (400, "tags"), f"tags {tags} answered {status} {body}"
    ticket = ok(client.patch("/api/tickets/1", {"tags": [f"t{i}" for i in range(10)] + ["T0"]}))
    assert len(ticket["tags"]) == 10


def test_agent_changes_ticket_properties(api_as):
    ticket = ok(
        api_as(SAM).patch(
            "/api/tickets/3",
            {
                "subject": "CSV export crashes on Orders",
                "status": "pending",
                "assignee_id": 3,
                "tags": ["bug"],
            },
        )
    )
    assert ticket["subject"] == "CSV export crashes on Orders" and ticket["status"] == "pending"
    assert ticket["assignee"]["id"] == 3 and ticket["tags"] == ["bug"]
    assert "comments" in ticket and "permissions" in ticket, "PATCH must answer the ticket's detail"
    unassigned = ok(api_as(SAM).patch("/api/tickets/3", {"assignee_id": None}))
    assert unassigned["assignee"] is None


def test_property_changes_are_validated(api_as):
    client = api_as(SAM)
    for change, field in [
        ({"status": "archived"}, "status"),
        ({"priority": "critical"}, "priority"),
        ({"assignee_id": 4}, "assignee_id"),
        ({"assignee_id": "2"}, "assignee_id"),
        ({"subject": ""}, "subject"),
    ]:
        status, body = client.patch("/api/tickets/1", change)
        assert (status, body.get("field")) == (400, field), (
            f"PATCH {change} answered {status} {body}"
        )


def test_priority_change_recomputes_due_from_creation(api_as):
    client = api_as(SAM)
    before = ok(client.get("/api/tickets/5"))
    after = ok(client.patch("/api/tickets/5", {"priority": "high"}))
    assert after["created_at"] == before["created_at"]
    assert hours_between(after["created_at"], after["due_at"]) == 8, (
        "due must be created_at + 8 h for high"
    )
    assert after["overdue"] is True, "a 30-hour-old high ticket is overdue"
    low = ok(client.patch("/api/tickets/3", {"priority": "low"}))
    assert hours_between(low["created_at"], low["due_at"]) == 72 and low["overdue"] is False


def test_only_solved_tickets_can_be_closed(api_as):
    client = api_as(SAM)
    status, body = client.patch("/api/tickets/1", {"status": "closed"})
    assert (status, body.get("field")) == (400, "status"), f"an open ticket was closed: {body}"
    assert ok(client.patch("/api/tickets/9", {"status": "closed"}))["status"] == "closed"


def test_solved_at_is_set_on_solve_and_cleared_on_reopen(api_as):
    client = api_as(SAM)
    solved = ok(client.patch("/api/tickets/1", {"status": "solved"}))
    assert solved["solved_at"] is not None and solved["overdue"] is False
    reopened = ok(client.patch("/api/tickets/1", {"status": "pending"}))
    assert reopened["solved_at"] is None, (
        "solved_at must be cleared when a ticket goes back to pending"
    )


def test_customer_can_only_mark_their_request_solved(api_as):
    client = api_as(CARLA)
    for change in (
        {"priority": "urgent"},
        {"status": "open"},
        {"status": "solved", "priority": "low"},
    ):
        status, body = client.patch("/api/tickets/1", change)
        assert status == 403, f"a customer sent {change} and got {status}: {body}"
    ticket = ok(client.patch("/api/tickets/1", {"status": "solved"}))
    assert ticket["status"] == "solved" and ticket["permissions"]["solve"] is False


def test_agent_reply_answers_comment_id_and_ticket(api_as):
    body = ok(
        api_as(SAM).post(
            "/api/tickets/1/comments", {"body": "  Try clearing cookies.  ", "internal": False}
        ),
        201,
    )
    assert body["comment_id"] == 14
    comment = body["ticket"]["comments"][-1]
    assert (
        comment["id"] == 14
        and comment["body"] == "Try clearing cookies."
        and comment["internal"] is False
    )
    assert comment["author"]["id"] == 2
    assert body["ticket"]["status"] == "open", "a reply without a status keeps the status"


def test_public_reply_assigns_an_unassigned_ticket_but_a_note_does_not(api_as):
    client = api_as(SAM)
    note = ok(
        client.post("/api/tickets/3/comments", {"body": "Repro on staging", "internal": True}), 201
    )
    assert note["ticket"]["assignee"] is None, "an internal note must not assign the ticket"
    reply = ok(
        client.post("/api/tickets/3/comments", {"body": "Looking into it", "internal": False}), 201
    )
    assert reply["ticket"]["assignee"] == {"id": 2, "name": "Sam Sato"}
    other = ok(api_as("priya@desk.test").post("/api/tickets/3/comments", {"body": "Me too"}), 201)
    assert other["ticket"]["assignee"]["id"] == 2, "a reply must not take an assigned ticket"


def test_agent_reply_can_set_the_status(api_as):
    client = api_as(SAM)
    body = ok(
        client.post(
            "/api/tickets/1/comments", {"body": "Fixed", "internal": False, "status": "solved"}
        ),
        201,
    )
    assert body["ticket"]["status"] == "solved" and body["ticket"]["solved_at"] is not None
    body = ok(
        client.post(
            "/api/tickets/8/comments", {"body": "Note", "internal": True, "status": "open"}
        ),
        201,
    )
    assert body["ticket"]["status"] == "open"
    status, answer = client.post("/api/tickets/10/comments", {"body": "x", "status": "closed"})
    assert (status, answer.get("field")) == (400, "status")


def test_customer_reply_reopens_pending_and_solved_requests(api_as):
    client = api_as(DMITRI)
    pending = ok(client.post("/api/tickets/2/comments", {"body": "Yes, that's the address."}), 201)
    assert pending["ticket"]["status"] == "open", "a customer's reply must reopen a pending ticket"
    solved = ok(client.post("/api/tickets/6/comments", {"body": "It stopped working again."}), 201)
    assert solved["ticket"]["status"] == "open" and solved["ticket"]["solved_at"] is None


def test_comments_are_validated(api_as):
    status, body = api_as(CARLA).post(
        "/api/tickets/1/comments", {"body": "secret", "internal": True}
    )
    assert status == 403, f"a customer added an internal note: {status} {body}"
    client = api_as(SAM)
    for sent, field in [
        ({"body": "  "}, "body"),
        ({}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "hi", "internal": "yes"}, "internal"),
    ]:
        status, body = client.post("/api/tickets/1/comments", sent)
        assert (status, body.get("field")) == (400, field), (
            f"{str(sent)[:40]} answered {status} {body}"
        )
    assert len(ok(client.get("/api/tickets/1"))["comments"]) == 2, "a refused comment was stored"


def test_bulk_update_changes_the_given_tickets_and_skips_closed(api_as):
    client = api_as(SAM)
    body = ok(client.post("/api/tickets/bulk", {"ids": [3, 7, 11, 3], "status": "solved"}))
    assert body == {"updated": [3, 11], "skipped": [7]}
    statuses = {t["id"]: t["status"] for t in ok(client.get("/api/tickets?view=all"))["tickets"]}
    assert (
        statuses[3] == statuses[11] == "solved"
        and statuses[7] == "closed"
        and statuses[4] == "open"
    )
    body = ok(client.post("/api/tickets/bulk", {"ids": [4], "assignee_id": 3}))
    assert body == {"updated": [4], "skipped": []}
    assert ok(client.get("/api/tickets/4"))["assignee"]["id"] == 3


def test_bulk_update_is_for_agents_with_valid_input(api_as):
    status, body = api_as(CARLA).post("/api/tickets/bulk", {"ids": [1], "status": "solved"})
    assert status == 403, f"a customer used bulk update: {status} {body}"
    client = api_as(SAM)
    for sent in (
        {"ids": [], "status": "solved"},
        {"ids": "1", "status": "solved"},
        {"ids": [True], "status": "solved"},
        {"ids": [1]},
        {"ids": [1], "assignee_id": 5},
    ):
        status, body = client.post("/api/tickets/bulk", sent)
        assert status == 400, f"bulk {sent} answered {status}: {body}"
    assert ok(client.get("/api/tickets/1"))["assignee"]["id"] == 2


def test_view_counts_follow_ticket_changes(api_as):
    client = api_as(SAM)
    ok(client.patch("/api/tickets/1", {"status": "solved"}))
    ok(client.post("/api/tickets/bulk", {"ids": [3], "assignee_id": 2}))
    counts = {v["id"]: v["count"] for v in ok(client.get("/api/views"))["views"]}
    assert counts == {
        "mine": 3,
        "unassigned": 2,
        "unsolved": 8,
        "overdue": 3,
        "pending": 3,
        "solved": 3,
        "all": 12,
    }, f"counts after solving #1 and taking #3: {counts}"
