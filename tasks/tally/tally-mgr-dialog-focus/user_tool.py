"""Reproduction steps: open "Add expense" on "NYC client visit" and type the merchant right away."""


def _focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " if (!el || el === document.body) return 'nothing';"
        " return el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.tagName; }"
    )


def reproduce(user):
    user.login("alice@tally.test", path="/reports/1")
    page = user.page
    with user.step("Click 'Add expense'"):
        page.get_by_test_id("add-expense").click()
        page.get_by_test_id("expense-form").wait_for()
        user.note("Focused element: " + _focused(page))
    with user.step("Type 'Blue Bottle Coffee' without clicking anywhere"):
        page.keyboard.type("Blue Bottle Coffee")
        open_ = page.get_by_test_id("expense-form").count() > 0
        user.note("Dialog still open: " + ("yes" if open_ else "no"))
        if open_:
            user.note("Merchant field: " + repr(page.get_by_test_id("expense-merchant").input_value()))
    with user.step("Open 'Split' in #general"):
        page.goto(user.url("/rooms/1"))
        page.get_by_test_id("split-button").click()
        page.get_by_test_id("split-form").wait_for()
        user.note("Focused element: " + _focused(page))
