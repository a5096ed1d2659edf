# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A rejection reason is posted in the rejected report's own chat, by the reviewer; no reason,
no message."""

from playwright.sync_api import expect

REASON = "Please split the hotel invoice per night."


def _messages(api, room_id):
    status, body = api.get(f"/api/rooms/{room_id}/messages")
    assert status == 200, body
    return [(m["author"]["id"], m["body"]) for m in body["messages"]]


def test_api_reject_reason_goes_to_report_chat(api):
    api.login("alice@tally.test")
    euro_general = _messages(api, 3)
    chicago_chat = _messages(api, 7)
    status, report = api.post("/api/reports/3/reject", {"reason": f"  {REASON}  "})
    assert status == 200, report
    assert report["status"] == "rejected"
    assert _messages(api, report["room_id"])[-1] == (1, f"Rejected: {REASON}")
    assert _messages(api, 3) == euro_general

    api.login("henri@tally.test")
    status, report = api.post("/api/reports/7/reject", {"reason": "Missing the boarding pass"})
    assert status == 200, report
    assert _messages(api, report["room_id"]) == [(8, "Rejected: Missing the boarding pass")]

    api.login("alice@tally.test")
    assert _messages(api, 7) == chicago_chat


def test_reject_without_reason_posts_nothing(api):
    api.login("alice@tally.test")
    rooms = {room_id: _messages(api, room_id) for room_id in (1, 3, 6, 7)}
    status, report = api.post("/api/reports/3/reject", {"reason": "   "})
    assert status == 200, report
    assert report["status"] == "rejected"
    api.login("henri@tally.test")
    status, report = api.post("/api/reports/7/reject", {})
    assert status == 200, report
    assert report["status"] == "rejected"
    assert _messages(api, 10) == []
    api.login("alice@tally.test")
    for room_id, before in rooms.items():
        assert _messages(api, room_id) == before, f"room {room_id} changed"


def test_ui_reject_reason_shows_in_report_chat(page, login, api):
    login("alice@tally.test", path="/reports/3")
    chat = page.get_by_test_id("chat-6")
    expect(chat.get_by_test_id("message-14")).to_be_visible()
    page.get_by_test_id("reject-report").click()
    page.get_by_test_id("reject-reason").fill(REASON)
    page.get_by_test_id("reject-confirm").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Rejected")
    expect(chat.get_by_text(f"Rejected: {REASON}")).to_be_visible(timeout=10_000)
    api.login("alice@tally.test")
    assert (1, f"Rejected: {REASON}") in _messages(api, 6)
    assert all(REASON not in body for _, body in _messages(api, 3))
