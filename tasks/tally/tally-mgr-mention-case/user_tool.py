"""Reproduction steps: in #general, type "@bo", then "@Bo", and look at the mention suggestions."""


def _suggestions(user):
    options = user.page.get_by_test_id("mention-suggestions").get_by_role("option")
    try:
        options.first.wait_for(timeout=1500)
    except Exception:
        return "no suggestion list"
    return ", ".join(options.locator(".suggestion-name").all_inner_texts())


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #general in Acme Travel"):
        user.page.get_by_test_id("room-link-1").click()
        user.page.get_by_test_id("composer-input").wait_for()
    with user.step("Type 'Thanks @bo' in the message box"):
        box = user.page.get_by_test_id("composer-input")
        box.click()
        box.press_sequentially("Thanks @bo")
        user.note("Suggestions: " + _suggestions(user))
    with user.step("Replace 'bo' with 'Bo'"):
        box.press("Backspace")
        box.press("Backspace")
        box.press_sequentially("Bo")
        user.note("Suggestions: " + _suggestions(user))
