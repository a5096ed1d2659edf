"""Reproduction steps: on the Web board, try to start the blocked issue WEB-6 and look at the
columns after the error."""


def columns(user):
    lines = []
    for status in ("todo", "in_progress"):
        cards = user.page.get_by_test_id(f"board-column-{status}").locator("article[data-testid^='board-card-']")
        keys = [card.get_attribute("data-testid").removeprefix("board-card-") for card in cards.all()]
        count = user.page.get_by_test_id(f"board-column-count-{status}").inner_text()
        lines.append(f"{status} ({count}): {', '.join(keys)}")
    return "; ".join(lines)


def reproduce(user):
    user.login("ben@board.test", path="/projects/WEB/board")
    with user.step("Look at the Todo and In Progress columns"):
        user.page.get_by_test_id("board-card-WEB-6").wait_for()
        user.note(columns(user))
    with user.step("Move WEB-6 to In Progress from its ⋯ menu"):
        user.page.get_by_test_id("card-menu-button-WEB-6").click()
        user.page.get_by_test_id("card-move-WEB-6-in_progress").click()
        user.page.get_by_test_id("toast").first.wait_for()
        user.page.wait_for_timeout(500)
        user.note("Toasts: " + " | ".join(t.strip("×\n ") for t in user.page.get_by_test_id("toast").all_inner_texts()))
        user.note(columns(user))
