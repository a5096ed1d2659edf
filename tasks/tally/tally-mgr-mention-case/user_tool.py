"""Reproduction steps: in #general, type "@bo", then "@Bo", and look at the mention suggestions."""


def _suggestions(user):
    # the list is filtered in the page as the user types: a frame later it shows what it will
    user.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    options = user.page.get_by_test_id("mention-suggestions").get_by_role("option")
    names = options.locator(".suggestion-name").all_inner_texts()
    return ", ".join(names) if names else "no suggestion list"


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #general in Acme Travel"):
        user.page.get_by_test_id("room-link-1").click()
        user.page.get_by_test_id("composer-input").wait_for()
    with user.step("Type 'Thanks @bo' in the message box"):
        box = user.page.get_by_test_id("composer-input")
        box.click()
        box.press_sequentially("Thanks @")
        # "@" alone lists every member once the room's members have loaded
        user.page.get_by_test_id("mention-suggestions").get_by_role("option").first.wait_for()
        box.press_sequentially("bo")
        user.note("Suggestions: " + _suggestions(user))
    with user.step("Replace 'bo' with 'Bo'"):
        box.press("Backspace")
        box.press("Backspace")
        box.press_sequentially("Bo")
        user.note("Suggestions: " + _suggestions(user))
