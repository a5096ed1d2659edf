"""Reproduction steps: send a message in #general by pressing Enter, then reload the room."""


def message_count(user):
    return user.page.get_by_test_id("messages").locator("[data-testid^='message-']").count()


def reproduce(user):
    posts = []
    user.page.on(
        "request",
        lambda request: posts.append(request.url)
        if request.method == "POST" and request.url.endswith("/messages")
        else None,
    )
    user.login("bob@tally.test")
    with user.step("Open #general"):
        user.page.get_by_test_id("room-link-1").click()
        user.page.get_by_test_id("message-6").wait_for()
        user.note(f"Messages in #general: {message_count(user)}")
    with user.step("Type 'On my way to the airport' and press Enter"):
        composer = user.page.get_by_test_id("composer-input")
        composer.fill("On my way to the airport")
        with user.page.expect_response(lambda r: r.request.method == "POST"):
            composer.press("Enter")
        user.page.get_by_test_id("composer-send").filter(has_text="Send").wait_for()
        user.note(f"Message box after sending: {composer.input_value()!r}")
        user.note(f"Messages in #general: {message_count(user)}")
    with user.step("Reload the room"):
        user.page.reload()
        user.page.get_by_test_id("message-6").wait_for()
        copies = user.page.get_by_test_id("messages").get_by_text("On my way to the airport")
        user.note(f"Messages in #general: {message_count(user)}")
        user.note(f"'On my way to the airport' appears {copies.count()} time(s)")
        user.note(f"Messages posted by the page: {len(posts)}")
