# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A report's chat room (its messages, its splits) is exactly as visible as the report: people
who cannot open the report get a 404 for it, like for the report; the owner and every
reviewer of the workspace (admins, auditors) keep reading and writing it."""

from playwright.sync_api import expect

SPLIT = {"amount": 5000, "currency": "USD", "description": "Client dinner", "participant_ids": [1, 4]}


def _message_ids(api, room_id):
    status, body = api.get(f"/api/rooms/{room_id}/messages")
    assert status == 200, body
    return [m["id"] for m in body["messages"]]


def test_member_cannot_read_another_members_report_chat(api, page, login):
    api.login("bob@tally.test")
    assert api.get("/api/reports/1")[0] == 404
    for path in ("/api/rooms/4", "/api/rooms/4/messages", "/api/rooms/4/messages?after=0"):
        status, body = api.get(path)
        assert status == 404, (path, status, body)
    api.login("ines@tally.test")
    status, body = api.get("/api/rooms/9/messages")
    assert status == 404, body
    api.login("alice@tally.test")  # a plain member in Euro Ops
    for path in ("/api/rooms/10", "/api/rooms/10/messages"):
        status, body = api.get(path)
        assert status == 404, (path, status, body)

    login("bob@tally.test", path="/rooms/4")
    expect(page.get_by_test_id("room-error")).to_be_visible()
    expect(page.get_by_test_id("message-16")).to_have_count(0)


def test_member_cannot_post_in_another_members_report_chat(api):
    api.login("bob@tally.test")
    status, body = api.post("/api/rooms/4/messages", {"body": "Nice hotel, Alice"})
    assert status == 404, body
    api.login("ines@tally.test")
    status, body = api.post("/api/rooms/9/messages", {"body": "Bonjour"})
    assert status == 404, body
    api.login("alice@tally.test")
    assert _message_ids(api, 4) == [16]
    status, body = api.post("/api/rooms/10/messages", {"body": "hello"})
    assert status == 404, body
    api.login("henri@tally.test")
    assert _message_ids(api, 9) == [] and _message_ids(api, 10) == []


def test_splits_in_a_report_chat_stay_private(api):
    api.login("alice@tally.test")
    status, body = api.post("/api/rooms/4/splits", SPLIT)
    assert status == 201, body
    split_id = body["message"]["split"]["id"]

    api.login("bob@tally.test")
    status, body = api.get(f"/api/splits/{split_id}")
    assert status == 404, body
    status, body = api.post("/api/rooms/4/splits", {**SPLIT, "participant_ids": [2, 1]})
    assert status == 404, body

    api.login("alice@tally.test")
    status, body = api.get("/api/rooms/4/messages")
    assert status == 200, body
    assert [m["author"]["id"] for m in body["messages"]] == [1, 1]


def test_owner_and_reviewers_keep_access(api):
    # Bob, owner of "Berlin offsite" (room 6)
    api.login("bob@tally.test")
    status, room = api.get("/api/rooms/6")
    assert status == 200, room
    assert 14 in _message_ids(api, 6)
    status, body = api.post("/api/rooms/6/messages", {"body": "Receipts are attached"})
    assert status == 201, body

    # Alice, admin: Bob's report chat; she also splits in her own report's chat
    api.login("alice@tally.test")
    assert api.get("/api/rooms/6")[0] == 200
    status, body = api.post("/api/rooms/6/messages", {"body": "Looking at it today"})
    assert status == 201, body
    status, body = api.post("/api/rooms/4/splits", SPLIT)
    assert status == 201, body
    split_id = body["message"]["split"]["id"]

    # Carol, auditor: sees every report, so every report chat, and can comment
    api.login("carol@tally.test")
    for room_id in (4, 6, 8):
        assert api.get(f"/api/rooms/{room_id}")[0] == 200, room_id
    assert 16 in _message_ids(api, 4)
    status, body = api.post("/api/rooms/4/messages", {"body": "Audit note: hotel receipt missing"})
    assert status == 201, body
    status, split = api.get(f"/api/splits/{split_id}")
    assert status == 200, split

    # Henri, Euro Ops admin: Ines's report chat
    api.login("henri@tally.test")
    assert api.get("/api/rooms/10")[0] == 200
    status, body = api.post("/api/rooms/10/messages", {"body": "Approving tomorrow"})
    assert status == 201, body
