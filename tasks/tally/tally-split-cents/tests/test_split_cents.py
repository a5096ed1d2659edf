# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Split shares add up to the total; leftover minor units go to the first participants."""

from playwright.sync_api import expect

CASES = [
    # amount, currency, participants in the order sent, expected shares in that order
    (1000, "USD", [1, 2, 4], [334, 333, 333]),
    (2000, "USD", [1, 2, 4], [667, 667, 666]),
    (2000, "USD", [4, 2, 1], [667, 667, 666]),
    (10000, "USD", [1, 2, 3, 4, 5, 6], [1667, 1667, 1667, 1667, 1666, 1666]),
    (1999, "USD", [7, 6, 5, 4], [500, 500, 500, 499]),
    (3000, "EUR", [2, 3, 4, 5, 6, 7, 1], [429, 429, 429, 429, 428, 428, 428]),
    (5, "USD", [5, 1, 2], [2, 2, 1]),
    (2, "USD", [1, 2, 4], [1, 1, 0]),
    (100, "GBP", [1, 2, 3, 4, 5, 6, 7], [15, 15, 14, 14, 14, 14, 14]),
    (8000, "USD", [1, 2, 3, 4], [2000, 2000, 2000, 2000]),
    (1000, "JPY", [6, 5, 4], [334, 333, 333]),
    (1001, "USD", [2, 1], [501, 500]),
]


def shares_of(split):
    return [(p["id"], p["share"]) for p in split["participants"]]


def test_api_shares_add_up(api):
    api.login("alice@tally.test")
    for amount, currency, people, expected in CASES:
        status, body = api.post(
            "/api/rooms/1/splits",
            {"amount": amount, "currency": currency, "description": "t", "participant_ids": people},
        )
        assert status == 201, body
        split = body["message"]["split"]
        want = list(zip(people, expected, strict=True))
        assert shares_of(split) == want, f"{amount} {currency} / {people}: {shares_of(split)}"
        status, stored = api.get(f"/api/splits/{split['id']}")
        assert status == 200, stored
        assert shares_of(stored) == want, f"{amount} {currency} / {people}: {shares_of(stored)}"
        assert sum(share for _, share in shares_of(stored)) == amount


def test_seeded_splits_add_up(api):
    api.login("alice@tally.test")
    for split_id, amount in ((1, 6400), (2, 12500), (3, 10000)):
        status, split = api.get(f"/api/splits/{split_id}")
        assert status == 200, split
        assert sum(p["share"] for p in split["participants"]) == amount
    status, split = api.get("/api/splits/1")
    assert shares_of(split) == [(1, 2134), (2, 2133), (4, 2133)]


def test_split_detail_page_shows_exact_shares(login):
    page = login("alice@tally.test", path="/rooms/1")
    expect(page.get_by_test_id("split-card-2")).to_be_visible()
    page.get_by_test_id("split-button").click()
    expect(page.get_by_test_id("split-form")).to_be_visible()
    page.get_by_test_id("split-description").fill("Cab to the office")
    page.get_by_test_id("split-amount").fill("20.00")
    page.get_by_test_id("split-participant-2").check()
    page.get_by_test_id("split-participant-4").check()
    expect(page.get_by_test_id("split-participant-1")).to_be_checked()
    page.get_by_test_id("split-create").click()

    card = page.get_by_test_id("split-card-4")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("split-total-4")).to_have_text("$20.00")
    card.click()
    expect(page.get_by_test_id("split-detail")).to_be_visible()
    expect(page.get_by_test_id("split-detail-total")).to_have_text("$20.00")
    expect(page.get_by_test_id("share-amount-1")).to_have_text("$6.67")
    expect(page.get_by_test_id("share-amount-2")).to_have_text("$6.67")
    expect(page.get_by_test_id("share-amount-4")).to_have_text("$6.66")
