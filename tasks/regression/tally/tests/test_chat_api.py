# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Rooms, messages and bill splits through the API."""

from conftest import ACME, ALICE, BOB, CAROL, DAN, HENRI, ok


def test_workspace_rooms_exclude_report_chats(as_user):
    rooms = ok(as_user(ALICE).get(f"/api/workspaces/{ACME}/rooms"))["rooms"]
    assert [(r["id"], r["name"], r["kind"]) for r in rooms] == [
        (1, "general", "room"),
        (2, "travel", "room"),
    ]


def test_room_detail_has_workspace_and_members(as_user):
    room = ok(as_user(BOB).get("/api/rooms/1"))
    assert room["name"] == "general" and room["kind"] == "room" and room["report_id"] is None
    assert room["workspace"]["currency"] == "USD"
    assert [m["id"] for m in room["members"]] == [1, 2, 3, 4, 5, 6, 7]
    report_room = ok(as_user(BOB).get("/api/rooms/5"))
    assert report_room["kind"] == "report" and report_room["name"] == "Q2 office supplies"


def test_messages_come_oldest_first_with_author_and_split(as_user):
    messages = ok(as_user(ALICE).get("/api/rooms/1/messages"))["messages"]
    assert [m["id"] for m in messages] == [1, 2, 3, 4, 5, 6]
    assert messages[1]["author"] == {"id": 2, "name": "Bob Member", "email": BOB}
    split = messages[4]["split"]
    assert split["id"] == 2 and split["amount"] == 12500 and messages[0]["split"] is None
    assert [p["share"] for p in split["participants"]] == [2084, 2084, 2083, 2083, 2083, 2083]


def test_messages_after_returns_only_newer(as_user):
    messages = ok(as_user(ALICE).get("/api/rooms/1/messages?after=4"))["messages"]
    assert [m["id"] for m in messages] == [5, 6]


def test_post_message_trims_and_returns_it(as_user):
    api = as_user(BOB)
    message = ok(api.post("/api/rooms/1/messages", {"body": "  Lunch at noon?  "}), 201)["message"]
    assert message["body"] == "Lunch at noon?" and message["author"]["id"] == 2
    assert message["room_id"] == 1 and message["split"] is None
    latest = ok(api.get("/api/rooms/1/messages?after=6"))["messages"]
    assert [m["body"] for m in latest] == ["Lunch at noon?"], "the message was not stored once"


def test_message_body_is_validated(as_user):
    api = as_user(BOB)
    for body in ({"body": "   "}, {"body": "x" * 4001}, {"body": 5}, {}):
        status, answer = api.post("/api/rooms/1/messages", body)
        assert status == 400 and answer.get("field") == "body", (body, status, answer)


def test_auditor_can_comment_in_a_report_chat(as_user):
    message = ok(
        as_user(CAROL).post("/api/rooms/5/messages", {"body": "Receipt for Staples?"}), 201
    )
    assert message["message"]["author"]["id"] == 3


def test_outsiders_cannot_read_or_post_in_rooms(fresh_api):
    henri = fresh_api(HENRI)
    for method, path in (
        ("GET", "/api/rooms/1"),
        ("GET", "/api/rooms/1/messages"),
        ("POST", "/api/rooms/1/messages"),
    ):
        status, _ = henri.request(method, path, {"body": "hi"} if method == "POST" else None)
        assert status == 404, f"an outsider got {status} for {method} {path}"
    status, _ = fresh_api(DAN).post("/api/rooms/5/messages", {"body": "peek"})
    assert status == 404, "a member posted in another member's report chat"


def test_split_shares_add_up_with_leftover_cents_first(as_user):
    api = as_user(BOB)
    message = ok(
        api.post(
            "/api/rooms/1/splits",
            {
                "amount": 1000,
                "currency": "USD",
                "description": "Cab",
                "participant_ids": [4, 2, 1],
            },
        ),
        201,
    )["message"]
    split = message["split"]
    assert message["body"] == "Cab" and split["creator"]["id"] == 2
    assert [(p["id"], p["share"]) for p in split["participants"]] == [(4, 334), (2, 333), (1, 333)]
    assert sum(p["share"] for p in split["participants"]) == split["amount"] == 1000


def test_split_detail_shape_and_visibility(fresh_api):
    split = ok(fresh_api(ALICE).get("/api/splits/1"))
    assert (
        split["description"] == "Taxi to JFK"
        and split["room_id"] == 2
        and split["workspace_id"] == 1
    )
    assert [(p["id"], p["share"]) for p in split["participants"]] == [
        (1, 2134),
        (2, 2133),
        (4, 2133),
    ]
    assert {"id", "name", "email"} <= set(split["participants"][0])
    status, _ = fresh_api(HENRI).get("/api/splits/1")
    assert status == 404, "an outsider opened a split"
    status, _ = fresh_api(ALICE).get("/api/splits/999")
    assert status == 404


def test_split_is_validated(as_user):
    api = as_user(BOB)
    base = {"amount": 1000, "currency": "USD", "description": "Cab", "participant_ids": [1, 2]}
    cases = (
        ({"participant_ids": [2]}, "participant_ids"),
        ({"participant_ids": [2, 2]}, "participant_ids"),
        ({"participant_ids": [2, 8]}, "participant_ids"),
        ({"participant_ids": "1,2"}, "participant_ids"),
        ({"amount": 0}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"currency": "XYZ"}, "currency"),
    )
    for override, field in cases:
        status, body = api.post("/api/rooms/1/splits", {**base, **override})
        assert status == 400 and body.get("field") == field, (override, status, body)


def test_auditor_cannot_create_a_split(as_user):
    status, _ = as_user(CAROL).post(
        "/api/rooms/1/splits",
        {
            "amount": 1000,
            "currency": "USD",
            "description": "x",
            "participant_ids": [1, 3],
        },
    )
    assert status == 403, f"an auditor created a split ({status})"


def test_yen_split_has_whole_yen_shares(as_user):
    split = ok(
        as_user(ALICE).post(
            "/api/rooms/2/splits",
            {
                "amount": 1000,
                "currency": "JPY",
                "description": "Snacks",
                "participant_ids": [1, 2, 4],
            },
        ),
        201,
    )["message"]["split"]
    assert split["currency"] == "JPY" and [p["share"] for p in split["participants"]] == [
        334,
        333,
        333,
    ]
