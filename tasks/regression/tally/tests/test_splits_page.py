# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Bill splits: the card in the chat, the split form, the split's own page."""

from conftest import ALICE, BOB, CAROL, HENRI, assert_no_reload, mark_page, ok
from playwright.sync_api import expect


def test_split_cards_show_total_and_people(login):
    page = login(ALICE, path="/rooms/2")
    expect(page.get_by_test_id("split-total-1")).to_have_text("$64.00")
    expect(page.get_by_test_id("split-count-1")).to_have_text("Split with 3 people")
    expect(page.get_by_test_id("split-count-3")).to_have_text("Split with 4 people")
    expect(
        page.get_by_test_id("split-card-1").get_by_test_id("split-avatars-overflow")
    ).to_have_count(0)


def test_split_card_with_many_people_shows_overflow_bubble(login):
    page = login(ALICE, path="/rooms/1")
    card = page.get_by_test_id("split-card-2")
    expect(page.get_by_test_id("split-count-2")).to_have_text("Split with 6 people")
    expect(card.get_by_test_id("split-avatars-overflow")).to_have_text("+3")


def test_split_page_lists_each_share_and_goes_back_in_place(login):
    page = login(ALICE, path="/rooms/2")
    mark_page(page)
    page.get_by_test_id("split-card-1").click()
    expect(page.get_by_test_id("split-detail-description")).to_have_text("Taxi to JFK")
    expect(page.get_by_test_id("split-detail-total")).to_have_text("$64.00")
    expect(page.get_by_test_id("split-detail-count")).to_have_text("Split with 3 people")
    expect(page.get_by_test_id("share-amount-1")).to_have_text("$21.34")
    expect(page.get_by_test_id("share-amount-2")).to_have_text("$21.33")
    expect(page.get_by_test_id("share-amount-4")).to_have_text("$21.33")
    page.get_by_test_id("back-to-room").click()
    expect(page.get_by_test_id("room-title")).to_have_text("#travel")
    assert_no_reload(page, "opening a split and going back")


def test_creating_a_split_in_a_room(login, api):
    page = login(BOB, path="/rooms/1")
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    expect(form.get_by_test_id("split-participant-2")).to_be_checked()  # the creator
    form.get_by_test_id("split-description").fill("Cab to the office")
    form.get_by_test_id("split-amount").fill("10")
    form.get_by_test_id("split-participant-1").check()
    form.get_by_test_id("split-participant-4").check()
    expect(form).to_contain_text("About $3.33 each for 3 people")
    form.get_by_test_id("split-create").click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("split-total-4")).to_have_text("$10.00")
    expect(page.get_by_test_id("split-count-4")).to_have_text("Split with 3 people")
    api.login(BOB)
    split = ok(api.get("/api/splits/4"))
    shares = [(p["id"], p["share"]) for p in split["participants"]]
    assert shares == [(1, 334), (2, 333), (4, 333)], (
        f"participants in member order, cents to the first: {shares}"
    )


def test_split_form_needs_two_people_and_a_valid_amount(login):
    page = login(BOB, path="/rooms/1")
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    form.get_by_test_id("split-amount").fill("abc")
    form.get_by_test_id("split-create").click()
    expect(form.get_by_test_id("split-error-amount")).to_be_visible()
    form.get_by_test_id("split-amount").fill("12.50")
    form.get_by_test_id("split-create").click()
    expect(form.get_by_test_id("split-error-participant_ids")).to_contain_text("at least two")
    expect(page.get_by_test_id("split-card-4")).to_have_count(0)


def test_yen_split_is_shown_without_decimals(login):
    page = login(BOB, path="/rooms/1")
    page.get_by_test_id("split-button").click()
    form = page.get_by_test_id("split-form")
    form.get_by_test_id("split-currency").select_option("JPY")
    form.get_by_test_id("split-amount").fill("3000")
    form.get_by_test_id("split-participant-5").check()
    form.get_by_test_id("split-create").click()
    expect(page.get_by_test_id("split-total-4")).to_have_text("¥3,000")


def test_auditor_has_no_split_button(login):
    page = login(CAROL, path="/rooms/1")
    expect(page.get_by_test_id("composer-input")).to_be_visible()
    expect(page.get_by_test_id("split-button")).to_have_count(0)


def test_split_of_another_workspace_is_not_shown(login):
    page = login(HENRI, path="/splits/1")
    expect(page.get_by_test_id("split-error")).to_contain_text("Split not found")
    expect(page.get_by_test_id("split-detail")).to_have_count(0)
