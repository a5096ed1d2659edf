# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Bill splits: created in a room (API and UI), shares that add up exactly, the chat card, the
split page, validation and who may create or see a split."""

import re

from playwright.sync_api import expect


def create_split(api, room_id, amount, people, currency="USD", description="t"):
    body = {"amount": amount, "description": description, "participant_ids": people}
    if currency is not None:
        body["currency"] = currency
    return api.post(f"/api/rooms/{room_id}/splits", body)


def shares(split):
    return [(p["id"], p["share"]) for p in split["participants"]]


def test_api_creates_splits_with_exact_shares(api):
    api.login("alice@tally.test")
    status, body = create_split(api, 1, 2000, [1, 2, 4], description="Cab to the office")
    assert status == 201, body
    split = body["message"]["split"]
    assert shares(split) == [(1, 667), (2, 667), (4, 666)], shares(split)
    assert (split["amount"], split["currency"], split["description"]) == (
        2000, "USD", "Cab to the office",
    ), split
    assert split["room_id"] == 1 and split["creator"]["id"] == 1, split
    assert [p["name"] for p in split["participants"]] == ["Alice Admin", "Bob Member", "Dan Diaz"]

    status, stored = api.get(f"/api/splits/{split['id']}")
    assert status == 200, stored
    assert shares(stored) == shares(split) and stored["amount"] == 2000, stored
    status, listed = api.get("/api/rooms/1/messages")
    assert status == 200, listed
    assert listed["messages"][-1]["split"]["id"] == split["id"], listed["messages"][-1]

    for amount, currency, people, expected in [
        (12500, "USD", [2, 1, 4, 5, 6, 7], [2084, 2084, 2083, 2083, 2083, 2083]),
        (2000, "USD", [4, 2, 1], [667, 667, 666]),
        (1000, "JPY", [6, 5, 4], [334, 333, 333]),
        (1999, "GBP", [7, 6, 5, 4], [500, 500, 500, 499]),
        (2, "USD", [1, 2, 4], [1, 1, 0]),
    ]:
        status, body = create_split(api, 2, amount, people, currency)
        assert status == 201, body
        split = body["message"]["split"]
        assert shares(split) == list(zip(people, expected, strict=True)), (amount, currency, shares(split))
        assert split["currency"] == currency

    api.login("bob@tally.test")
    status, seen = api.get(f"/api/splits/{split['id']}")
    assert status == 200 and seen["id"] == split["id"], seen

    api.login("henri@tally.test")
    status, body = create_split(api, 3, 4800, [8, 9], currency=None)
    assert status == 201, body
    assert body["message"]["split"]["currency"] == "EUR", body
    assert shares(body["message"]["split"]) == [(8, 2400), (9, 2400)]
    status, hidden = api.get(f"/api/splits/{split['id']}")
    assert status == 404, f"Henri (not in Acme Travel) read an Acme split: {status} {hidden}"


def test_api_refuses_bad_splits(api):
    api.login("bob@tally.test")
    status, before = api.get("/api/rooms/1/messages")
    assert status == 200
    for body, field in [
        ({"amount": 0, "currency": "USD", "participant_ids": [1, 2]}, "amount"),
        ({"amount": -500, "currency": "USD", "participant_ids": [1, 2]}, "amount"),
        ({"amount": "12.50", "currency": "USD", "participant_ids": [1, 2]}, "amount"),
        ({"amount": 10_000_001, "currency": "USD", "participant_ids": [1, 2]}, "amount"),
        ({"amount": 1000, "currency": "XYZ", "participant_ids": [1, 2]}, "currency"),
        ({"amount": 1000, "currency": "USD", "participant_ids": [2]}, "participant_ids"),
        ({"amount": 1000, "currency": "USD", "participant_ids": [2, 2]}, "participant_ids"),
        ({"amount": 1000, "currency": "USD", "participant_ids": [2, 8]}, "participant_ids"),
        ({"amount": 1000, "currency": "USD"}, "participant_ids"),
    ]:
        status, answer = api.post("/api/rooms/1/splits", {"description": "x", **body})
        assert status == 400, f"{body}: {status} {answer}"
        assert answer.get("field") == field, f"{body}: {answer}"
    status, after = api.get("/api/rooms/1/messages")
    assert len(after["messages"]) == len(before["messages"]), "a refused split was posted"

    valid = {"amount": 1000, "currency": "USD", "description": "x", "participant_ids": [1, 2]}
    status, answer = api.post("/api/rooms/4/splits", valid)  # Alice's report chat
    assert status == 404, f"Bob split in a chat he cannot open: {status} {answer}"
    api.login("carol@tally.test")
    status, answer = api.post("/api/rooms/1/splits", valid)
    assert status == 403, f"an auditor created a split: {status} {answer}"
    api.login("henri@tally.test")
    status, answer = api.post("/api/rooms/1/splits", {**valid, "participant_ids": [8, 9]})
    assert status == 404, f"an outsider created a split: {status} {answer}"
    status, answer = api.get("/api/splits/999")
    assert status == 404, answer


def split_id_of(card):
    return card.get_attribute("data-testid").removeprefix("split-card-")


def test_create_a_split_in_a_room(login):
    page = login("alice@tally.test", path="/rooms/1")
    expect(page.get_by_test_id("message-6")).to_be_visible()
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("split-participant-1")).to_be_checked()
    expect(page.get_by_test_id("split-participant-2")).not_to_be_checked()
    expect(page.get_by_test_id("split-currency")).to_have_value("USD")
    page.get_by_test_id("split-description").fill("Cab to the office")
    page.get_by_test_id("split-amount").fill("20.00")
    create = page.get_by_test_id("split-create")
    # one person only: the form says so (a form that keeps its button disabled until a second
    # person is ticked refuses it too)
    if create.is_enabled():
        create.click()
        expect(page.get_by_test_id("split-error-participant_ids")).to_be_visible()
    expect(form).to_be_visible()

    # ticked in another order than the list's: the list's order decides who gets the cent
    page.get_by_test_id("split-participant-4").check()
    page.get_by_test_id("split-participant-2").check()
    create.click()
    expect(form).to_have_count(0)
    card = page.locator("[data-testid^='split-card-']").filter(has_text="Cab to the office")
    expect(card).to_have_count(1)
    split_id = split_id_of(card)
    expect(page.get_by_test_id(f"split-total-{split_id}")).to_have_text("$20.00")
    expect(page.get_by_test_id(f"split-count-{split_id}")).to_have_text("Split with 3 people")

    card.click()
    expect(page).to_have_url(re.compile(rf"/splits/{split_id}$"))
    expect(page.get_by_test_id("split-detail")).to_be_visible()
    expect(page.get_by_test_id("split-detail-description")).to_have_text("Cab to the office")
    expect(page.get_by_test_id("split-detail-total")).to_have_text("$20.00")
    expect(page.get_by_test_id("share-amount-1")).to_have_text("$6.67")
    expect(page.get_by_test_id("share-amount-2")).to_have_text("$6.67")
    expect(page.get_by_test_id("share-amount-4")).to_have_text("$6.66")
    expect(page.get_by_test_id("share-amount-5")).to_have_count(0)
    page.get_by_test_id("back-to-room").click()
    expect(page).to_have_url(re.compile(r"/rooms/1$"))
    expect(page.get_by_test_id(f"split-card-{split_id}")).to_be_visible()


def test_auditor_reads_splits_but_cannot_create_them(login, api):
    api.login("bob@tally.test")
    status, body = create_split(
        api, 1, 12500, [2, 1, 4, 5, 6, 7], description="Team lunch at Joe's"
    )
    assert status == 201, body
    split_id = body["message"]["split"]["id"]

    page = login("carol@tally.test", path="/rooms/1")
    expect(page.get_by_test_id("composer-input")).to_be_visible()
    card = page.get_by_test_id(f"split-card-{split_id}")
    expect(card).to_contain_text("Team lunch at Joe's")
    expect(page.get_by_test_id(f"split-total-{split_id}")).to_have_text("$125.00")
    expect(page.get_by_test_id(f"split-count-{split_id}")).to_have_text("Split with 6 people")
    expect(page.get_by_test_id("split-button")).to_have_count(0)

    card.click()
    expect(page.get_by_test_id("split-detail")).to_be_visible()
    expect(page.get_by_test_id("split-detail")).to_contain_text("Bob Member")
    expect(page.get_by_test_id("split-detail-total")).to_have_text("$125.00")
    for user_id, share in ((2, "$20.84"), (1, "$20.84"), (4, "$20.83"), (7, "$20.83")):
        expect(page.get_by_test_id(f"share-amount-{user_id}")).to_have_text(share)
    page.get_by_test_id("back-to-room").click()
    expect(page).to_have_url(re.compile(r"/rooms/1$"))
