# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The kanban board (/projects/:key/board): columns with counts and points, moving cards with
the card menu and the keyboard, the workflow, a blocked issue rolled back with a toast, and
read-only boards for guests."""

import re

from conftest import ADA, BEN, EVE, WEB_BOARD, column_keys, ok
from playwright.sync_api import expect


def open_board(login, email=ADA, path="/projects/WEB/board"):
    page = login(email, path=path)
    expect(page.get_by_test_id("board-card-WEB-1")).to_be_visible()
    return page


def issue_of(api, key):
    if api.token is None:
        api.login(ADA)
    return ok(api.get(f"/api/issues/{key}"))


def test_columns_show_cards_in_order_with_counts_and_points(login):
    page = open_board(login)
    counts = {
        "backlog": "3",
        "todo": "7",
        "in_progress": "3",
        "in_review": "1",
        "done": "2",
        "canceled": "1",
    }
    points = {
        "backlog": "13 pt",
        "todo": "24 pt",
        "in_progress": "13 pt",
        "in_review": "5 pt",
        "done": "4 pt",
        "canceled": "2 pt",
    }
    for status, count in counts.items():
        expect(page.get_by_test_id(f"board-column-count-{status}")).to_have_text(count)
        expect(page.get_by_test_id(f"board-column-points-{status}")).to_have_text(points[status])
    for status, keys in WEB_BOARD.items():
        assert column_keys(page, status) == keys, status
    expect(page.get_by_test_id("board-card-blocked-WEB-6")).to_have_text("Blocked")
    expect(page.get_by_test_id("board-card-WEB-1")).to_contain_text("1/3 sub-issues done")


def test_the_card_menu_moves_a_card_to_another_column(login, api):
    page = open_board(login)
    page.get_by_test_id("card-menu-button-WEB-2").click()
    page.get_by_test_id("card-move-WEB-2-in_progress").click()
    expect(page.get_by_test_id("toast")).to_have_text(re.compile("WEB-2 moved to In Progress"))
    expect(page.get_by_test_id("board-column-count-in_progress")).to_have_text("4")
    expect(page.get_by_test_id("board-column-count-todo")).to_have_text("6")
    assert column_keys(page, "in_progress") == ["WEB-1", "WEB-3", "WEB-9", "WEB-2"]
    assert issue_of(api, "WEB-2")["status"] == "in_progress"


def test_the_card_menu_disables_moves_the_workflow_forbids(login):
    page = open_board(login)
    page.get_by_test_id("card-menu-button-WEB-8").click()
    expect(page.get_by_test_id("card-move-WEB-8-todo")).to_be_enabled()
    for status in ("backlog", "in_progress", "in_review", "canceled"):
        expect(page.get_by_test_id(f"card-move-WEB-8-{status}")).to_be_disabled()
    expect(page.get_by_test_id("card-move-WEB-8-done")).to_have_count(0)


def test_a_blocked_issue_moved_to_in_progress_rolls_back_with_a_toast(login, api):
    page = open_board(login)
    page.get_by_test_id("card-menu-button-WEB-6").click()
    page.get_by_test_id("card-move-WEB-6-in_progress").click()
    toast = page.get_by_test_id("toast").filter(has_text="WEB-6")
    expect(toast).to_have_text("Could not move WEB-6: WEB-6 is blocked by WEB-4×")
    expect(toast).to_have_attribute("data-kind", "error")
    expect(
        page.get_by_test_id("board-column-todo").get_by_test_id("board-card-WEB-6")
    ).to_be_visible()
    expect(page.get_by_test_id("board-column-count-in_progress")).to_have_text("3")
    assert column_keys(page, "todo") == WEB_BOARD["todo"]
    assert issue_of(api, "WEB-6")["status"] == "todo"


def test_move_to_top_reorders_the_card_within_its_column(login, api):
    page = open_board(login)
    page.get_by_test_id("card-menu-button-WEB-11").click()
    page.get_by_test_id("card-move-WEB-11-top").click()
    expect(
        page.get_by_test_id("board-column-todo").locator("article.board-card").first
    ).to_have_attribute("data-testid", "board-card-WEB-11")
    expected = ["WEB-11", "WEB-2", "WEB-5", "WEB-6", "WEB-10", "WEB-13", "WEB-17"]
    api.login(ADA)
    body = ok(api.get("/api/projects/WEB/issues?status=todo&sort=manual"))
    assert [i["key"] for i in body["items"]] == expected
    page.reload()
    expect(page.get_by_test_id("board-card-WEB-11")).to_be_visible()
    assert column_keys(page, "todo") == expected


def test_shift_arrow_right_moves_the_focused_card_to_the_next_column(login, api):
    page = open_board(login)
    card = page.get_by_test_id("board-card-WEB-2")
    card.focus()
    card.press("Shift+ArrowRight")
    moved = page.get_by_test_id("board-column-in_progress").get_by_test_id("board-card-WEB-2")
    expect(moved).to_be_visible()
    expect(moved).to_be_focused()
    expect(page.get_by_test_id("toast")).to_contain_text("WEB-2 moved to In Progress")
    assert column_keys(page, "in_progress") == ["WEB-2", "WEB-1", "WEB-3", "WEB-9"]
    assert issue_of(api, "WEB-2")["status"] == "in_progress"


def test_shift_arrow_down_moves_the_card_one_place_down(login, api):
    page = open_board(login)
    card = page.get_by_test_id("board-card-WEB-2")
    card.focus()
    card.press("Shift+ArrowDown")
    expect(
        page.get_by_test_id("board-column-todo").locator("article.board-card").nth(1)
    ).to_have_attribute("data-testid", "board-card-WEB-2")
    api.login(ADA)
    body = ok(api.get("/api/projects/WEB/issues?status=todo&sort=manual"))
    assert [i["key"] for i in body["items"]][:3] == ["WEB-5", "WEB-2", "WEB-6"]


def test_arrow_keys_move_the_focus_and_enter_opens_the_issue(login):
    page = open_board(login)
    page.get_by_test_id("board-card-WEB-2").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("board-card-WEB-5")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("board-card-WEB-3")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/issues/WEB-3$"))
    expect(page.get_by_test_id("issue-title")).to_have_text("Password reset emails arrive late")


def test_a_guest_sees_the_board_without_move_controls(login):
    page = open_board(login, email=EVE)
    expect(page.get_by_test_id("board-card-WEB-4")).to_be_visible()
    expect(page.get_by_test_id("card-menu-button-WEB-4")).to_have_count(0)
    expect(page.get_by_test_id("board-hint")).to_have_count(0)
    expect(page.get_by_test_id("board-column-add-todo")).to_have_count(0)
    page.get_by_test_id("board-card-WEB-2").focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(
        page.get_by_test_id("board-column-todo").get_by_test_id("board-card-WEB-2")
    ).to_be_visible()


def test_a_board_filter_from_the_url_survives_a_reload(login):
    page = login(BEN, path="/projects/WEB/board?assignee=me")
    expect(page.get_by_test_id("board-column-count-in_progress")).to_have_text("2")
    expect(page.get_by_test_id("board-column-count-todo")).to_have_text("2")
    assert column_keys(page, "todo") == ["WEB-5", "WEB-17"]
    page.reload()
    expect(page.get_by_test_id("board-column-count-todo")).to_have_text("2")
    expect(page.get_by_test_id("filter-assignee")).to_contain_text("Me")
    expect(page.get_by_test_id("sort-select")).to_have_count(0)


def test_the_column_plus_button_creates_an_issue_in_that_status(login, api):
    page = open_board(login)
    page.get_by_test_id("board-column-add-backlog").click()
    expect(page.get_by_test_id("create-issue-status")).to_have_value("backlog")
    expect(page.get_by_test_id("create-issue-project")).to_have_value("WEB")
    page.get_by_test_id("create-issue-title").fill("Sketch the onboarding tour")
    page.get_by_test_id("create-issue-submit").click()
    expect(page).to_have_url(re.compile(r"/issues/WEB-18$"))
    expect(page.get_by_test_id("issue-status")).to_have_value("backlog")
    issue = issue_of(api, "WEB-18")
    assert (issue["title"], issue["status"]) == ("Sketch the onboarding tour", "backlog")
