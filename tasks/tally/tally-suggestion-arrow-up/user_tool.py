"""Reproduction steps: type "Thanks @" in #general, press Arrow Up, then Enter."""


def highlighted(user, list_id):
    options = user.page.get_by_test_id(list_id).locator("[role='option']")
    names = [
        " ".join(options.nth(i).inner_text().split())
        for i in range(options.count())
        if options.nth(i).get_attribute("aria-selected") == "true"
    ]
    return ", ".join(names) or "nothing"


def reproduce(user):
    page = user.page
    user.login("bob@tally.test", path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    with user.step("Type 'Thanks @' in the message box"):
        page.get_by_test_id("message-6").wait_for()
        composer.click()
        composer.press_sequentially("Thanks @")
        page.get_by_test_id("mention-suggestions").wait_for()
        options = page.get_by_test_id("mention-suggestions").locator("[role='option']")
        user.note("People offered: " + " | ".join(" ".join(t.split()) for t in options.all_inner_texts()))
        user.note(f"Highlighted: {highlighted(user, 'mention-suggestions')}")
    with user.step("Press Arrow Up"):
        composer.press("ArrowUp")
        user.note(f"Highlighted: {highlighted(user, 'mention-suggestions')}")
    with user.step("Press Enter"):
        composer.press("Enter")
        user.note(f"Message box: {composer.input_value()!r}")
        still_open = page.get_by_test_id("mention-suggestions").count() > 0
        user.note("The list of people is " + ("still open" if still_open else "closed"))
