# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Search through the API: case-insensitive, 2+ characters, only what the user may see."""

from urllib.parse import quote

from conftest import ALICE, BOB, DAN, HENRI, ok


def search(client, q):
    return ok(client.get(f"/api/search?q={quote(q)}"))


def test_search_needs_two_characters(as_user):
    body = search(as_user(ALICE), "a")
    assert body["expenses"] == [] and body["reports"] == [] and body["messages"] == [], body


def test_search_is_case_insensitive_across_expenses_reports_messages(as_user):
    body = search(as_user(ALICE), "YELLOW cab")
    assert [e["id"] for e in body["expenses"]] == [4], body["expenses"]
    body = search(as_user(ALICE), "TAXI")
    assert 9 in {m["id"] for m in body["messages"]}, body["messages"]
    body = search(as_user(ALICE), "berlin")
    assert [r["id"] for r in body["reports"]] == [3]
    report = body["reports"][0]
    assert report["workspace_name"] == "Acme Travel" and report["status"] == "submitted"


def test_search_expense_result_shape(as_user):
    body = search(as_user(HENRI), "muji")
    muji = body["expenses"][0]
    assert (muji["amount"], muji["currency"], muji["report_id"], muji["report_title"]) == (
        5000,
        "JPY",
        6,
        "Paris client visit",
    )


def test_search_matches_accented_text(as_user):
    body = search(as_user(BOB), "CAFÉ")
    assert [e["id"] for e in body["expenses"]] == [6], body


def test_member_search_hides_other_members_reports(fresh_api):
    dan = search(fresh_api(DAN), "staples")
    assert dan["expenses"] == [] and dan["reports"] == [], "Dan sees Bob's expenses in search"
    bob = search(fresh_api(BOB), "staples")
    assert [e["id"] for e in bob["expenses"]] == [5]
    dan_messages = search(fresh_api(DAN), "hotel receipt")["messages"]
    assert dan_messages == [], "a member found a message of another member's report chat"


def test_search_stays_inside_the_users_workspaces(fresh_api):
    assert search(fresh_api(ALICE), "pizza")["expenses"], "Alice should find Joe's Pizza"
    body = search(fresh_api(HENRI), "pizza")
    assert body["expenses"] == [] and body["reports"] == [] and body["messages"] == [], body


def test_search_message_result_names_the_room(as_user):
    body = search(as_user(ALICE), "hotel receipt")
    message = next(m for m in body["messages"] if m["id"] == 16)
    assert message["room_id"] == 4 and message["room_name"] == "NYC client visit"
    assert message["author"]["name"] == "Alice Admin"
