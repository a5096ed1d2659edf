"""Reproduction steps: send a message while the network is down, then a message that is too
long, and look at the message box after each."""


def reproduce(user):
    page = user.page
    user.login("bob@tally.test", path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    with user.step("Go offline, type 'Landed, heading to the hotel' and click Send"):
        page.get_by_test_id("message-6").wait_for()
        page.context.set_offline(True)
        composer.fill("Landed, heading to the hotel")
        page.get_by_test_id("composer-send").click()
        page.get_by_test_id("composer-error").wait_for()
        user.note(f"Error shown: {page.get_by_test_id('composer-error').inner_text()}")
        user.note(f"Message box now contains: {composer.input_value()!r}")
    with user.step("Back online: open #travel, then #general again"):
        page.context.set_offline(False)
        page.get_by_test_id("room-link-2").click()
        page.get_by_test_id("message-7").wait_for()
        page.get_by_test_id("room-link-1").click()
        page.get_by_test_id("message-6").wait_for()
        user.note(f"Message box in #general: {composer.input_value()!r}")
    with user.step("Paste a message of a bit over 4,000 characters and press Enter"):
        text = "Travel policy FAQ. " + "Book economy for flights under six hours. " * 100
        composer.fill(text)
        composer.press("Enter")
        page.get_by_test_id("composer-error").wait_for()
        user.note(f"Error shown: {page.get_by_test_id('composer-error').inner_text()}")
        user.note(f"Characters left in the message box: {len(composer.input_value())}")
