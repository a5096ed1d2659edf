"""Reproduction steps: in #travel, send a message with HTML inside backticks and one with HTML in
a link's text, and look at how they are shown."""


def _send(user, text):
    box = user.page.get_by_test_id("composer-input")
    box.fill(text)
    count = user.page.locator("[data-testid^=message-]").count()
    user.page.get_by_test_id("composer-send").click()
    user.page.locator("[data-testid^=message-]").nth(count).wait_for()
    body = user.page.locator(".message-body").last
    user.note("Shown as text: " + body.inner_text())
    user.note("Rendered HTML: " + body.inner_html())


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #travel in Acme Travel"):
        user.page.get_by_test_id("room-link-2").click()
        user.page.get_by_test_id("message-7").wait_for()
    with user.step("Send: Use `<b>bold</b>` in the invoice template"):
        _send(user, "Use `<b>bold</b>` in the invoice template")
    with user.step("Send: Agenda: [<i>Q3</i> plan](https://example.com/plan)"):
        _send(user, "Agenda: [<i>Q3</i> plan](https://example.com/plan)")
