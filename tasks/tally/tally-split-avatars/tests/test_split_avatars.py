# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The split preview in chat: up to 4 avatars, else 3 avatars and a "+N" bubble."""

from playwright.sync_api import expect


def check_preview(page, split_id, participant_ids, avatars, overflow):
    card = page.get_by_test_id(f"split-card-{split_id}")
    expect(card).to_be_visible()
    stack = card.get_by_test_id("split-avatars")
    shown = stack.locator("[data-user-id]")
    expect(shown).to_have_count(avatars)
    ids = [int(v) for v in shown.evaluate_all("els => els.map(e => e.dataset.userId)")]
    assert len(set(ids)) == len(ids), f"split {split_id}: an avatar is shown twice: {ids}"
    assert set(ids) <= set(participant_ids), f"split {split_id}: {ids} not all participants"
    bubble = card.get_by_test_id("split-avatars-overflow")
    if overflow is None:
        expect(bubble).to_have_count(0)
    else:
        expect(bubble).to_have_text(overflow)


def test_seeded_split_previews(login):
    page = login("alice@tally.test", path="/rooms/2")
    check_preview(page, 1, [1, 2, 4], avatars=3, overflow=None)
    check_preview(page, 3, [5, 6, 7, 4], avatars=4, overflow=None)
    page.goto("/rooms/1")
    check_preview(page, 2, [2, 1, 4, 5, 6, 7], avatars=3, overflow="+3")


def test_new_split_previews(login, api):
    api.login("alice@tally.test")
    created = {}
    for people in ([1, 2], [1, 2, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]):
        status, body = api.post(
            "/api/rooms/1/splits",
            {"amount": 5000, "currency": "USD", "description": "Pizza", "participant_ids": people},
        )
        assert status == 201, body
        created[len(people)] = (body["message"]["split"]["id"], people)
    page = login("alice@tally.test", path="/rooms/1")
    split_id, people = created[2]
    check_preview(page, split_id, people, avatars=2, overflow=None)
    split_id, people = created[5]
    check_preview(page, split_id, people, avatars=3, overflow="+2")
    split_id, people = created[7]
    check_preview(page, split_id, people, avatars=3, overflow="+4")


def check_header(page, member_count, avatars, overflow):
    header = page.get_by_test_id("room-members")
    shown = header.locator("[data-user-id]")
    expect(shown).to_have_count(avatars)
    bubble = page.get_by_test_id("room-members-overflow")
    if overflow is None:
        expect(bubble).to_have_count(0)
    else:
        expect(bubble).to_have_text(overflow)
    assert avatars + int((overflow or "+0").lstrip("+")) == member_count


def test_room_header_accounts_for_every_member(login, api):
    """The room header has room for 5: everyone up to 5 members, else 4 and "+N"."""
    page = login("alice@tally.test", path="/rooms/1")
    check_header(page, 7, avatars=4, overflow="+3")

    api.login("henri@tally.test")
    for email in ("bob@tally.test", "carol@tally.test"):
        status, body = api.post("/api/workspaces/2/members", {"email": email, "role": "member"})
        assert status == 201, body
    page.goto("/rooms/3")
    check_header(page, 5, avatars=5, overflow=None)

    status, body = api.post("/api/workspaces/2/members", {"email": "dan@tally.test", "role": "member"})
    assert status == 201, body
    page.reload()
    check_header(page, 6, avatars=4, overflow="+2")
