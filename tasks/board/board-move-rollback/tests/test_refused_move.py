# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A card the server refuses to move (409) goes back to its column and its place on the board,
with an error toast; moves of other cards made meanwhile keep their new places."""

from playwright.sync_api import expect


def column_keys(page, status):
    cards = page.get_by_test_id(f"board-column-{status}").locator("[data-testid^='board-card-WEB-']")
    return [card.get_attribute("data-testid").removeprefix("board-card-") for card in cards.all()]


def expect_column(page, status, keys, why):
    cards = page.get_by_test_id(f"board-column-{status}").locator("article[data-testid^='board-card-']")
    try:
        expect(cards).to_have_count(len(keys))
        for index, key in enumerate(keys):
            expect(cards.nth(index)).to_have_attribute("data-testid", f"board-card-{key}")
    except AssertionError:
        raise AssertionError(
            f"{why}: the {status} column should read {keys}, it reads {column_keys(page, status)}"
        ) from None
    expect(page.get_by_test_id(f"board-column-count-{status}")).to_have_text(str(len(keys)))


def expect_refusal_toast(page, key):
    toast = page.locator("[data-testid='toast'][data-kind='error']").filter(has_text=key)
    try:
        expect(toast.first).to_be_visible()
    except AssertionError:
        raise AssertionError(f"no error toast tells that {key} could not be moved") from None


TODO = ["WEB-2", "WEB-5", "WEB-6", "WEB-10", "WEB-11", "WEB-13", "WEB-17"]
IN_PROGRESS = ["WEB-1", "WEB-3", "WEB-9"]


def test_refused_move_from_the_menu_goes_back_to_its_place(login, api):
    api.login("ben@board.test")
    status, body = api.post("/api/issues/WEB-4/relations", {"type": "blocks", "issue_key": "WEB-2"})
    assert status in (200, 201), body
    page = login("ben@board.test", path="/projects/WEB/board")
    expect_column(page, "todo", TODO, "before any move")

    page.get_by_test_id("card-menu-button-WEB-2").click()
    page.get_by_test_id("card-move-WEB-2-in_progress").click()
    expect_refusal_toast(page, "WEB-2")
    expect_column(page, "in_progress", IN_PROGRESS, "after the server refused to start the blocked WEB-2")
    expect_column(page, "todo", TODO, "WEB-2 should be back at the top of Todo, where it was")
    card = page.get_by_test_id("board-card-WEB-2")
    expect(card).to_have_attribute("data-status", "todo")

    # the server kept it in todo, and a move the workflow allows still works afterwards
    status, issue = api.get("/api/issues/WEB-2")
    assert status == 200 and issue["status"] == "todo", issue
    page.get_by_test_id("card-menu-button-WEB-5").click()
    page.get_by_test_id("card-move-WEB-5-in_progress").click()
    expect_column(page, "in_progress", IN_PROGRESS + ["WEB-5"], "after moving WEB-5 to In Progress")
    expect_column(page, "todo", [k for k in TODO if k != "WEB-5"], "after moving WEB-5 out of Todo")


def test_refused_keyboard_move_keeps_the_card_in_place_and_focused(login):
    page = login("ben@board.test", path="/projects/WEB/board")
    expect_column(page, "todo", TODO, "before any move")
    card = page.get_by_test_id("board-card-WEB-6")
    card.focus()
    for attempt in ("first", "second"):
        page.keyboard.press("Shift+ArrowRight")
        expect_refusal_toast(page, "WEB-6")
        expect_column(page, "in_progress", IN_PROGRESS, f"after the {attempt} refused move of the blocked WEB-6")
        expect_column(page, "todo", TODO, f"after the {attempt} refused move, WEB-6 should be back in its place")
        try:
            expect(page.get_by_test_id("board-card-WEB-6")).to_be_focused()
        except AssertionError:
            raise AssertionError(
                f"after the {attempt} refused move WEB-6 lost the keyboard focus: the user cannot carry on with the keys"
            ) from None
    # the arrows still walk the column from where the card is
    page.keyboard.press("ArrowDown")
    try:
        expect(page.get_by_test_id("board-card-WEB-10")).to_be_focused()
    except AssertionError:
        raise AssertionError("ArrowDown from WEB-6 should focus WEB-10, the next card of Todo") from None


def test_other_moves_made_while_waiting_keep_their_places(login, page):
    held = []
    page.route("**/api/issues/WEB-6/move", lambda route: held.append(route))
    login("ben@board.test", path="/projects/WEB/board")
    expect_column(page, "todo", TODO, "before any move")

    page.get_by_test_id("card-menu-button-WEB-6").click()
    page.get_by_test_id("card-move-WEB-6-in_progress").click()
    expect(page.get_by_test_id("board-column-in_progress").get_by_test_id("board-card-WEB-6")).to_be_visible()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the board did not ask the server to move WEB-6"

    # while WEB-6 waits for the server, WEB-7 goes from Backlog to Todo and WEB-3 back to Todo
    page.get_by_test_id("card-menu-button-WEB-7").click()
    page.get_by_test_id("card-move-WEB-7-todo").click()
    expect(page.locator("[data-testid='toast'][data-kind='success']").filter(has_text="WEB-7")).to_be_visible()
    page.get_by_test_id("card-menu-button-WEB-3").click()
    page.get_by_test_id("card-move-WEB-3-todo").click()
    expect(page.locator("[data-testid='toast'][data-kind='success']").filter(has_text="WEB-3")).to_be_visible()

    held[0].continue_()
    expect_refusal_toast(page, "WEB-6")
    expect_column(page, "todo", TODO + ["WEB-7", "WEB-3"], "WEB-6 should be back in its place and WEB-7 and WEB-3, moved meanwhile, should stay in Todo")
    expect_column(page, "in_progress", ["WEB-1", "WEB-9"], "only WEB-3 left In Progress")
    expect_column(page, "backlog", ["WEB-12", "WEB-16"], "WEB-7 left the Backlog")
