"""Reproduction steps: type a message in #general without sending it, then switch rooms."""


def composer_text(user):
    return user.page.get_by_test_id("composer-input").input_value()


def open_room(user, room_id):
    user.page.get_by_test_id(f"room-link-{room_id}").click()
    user.page.get_by_test_id(f"chat-{room_id}").wait_for()
    user.page.get_by_test_id("messages").wait_for()


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #general"):
        open_room(user, 1)
    with user.step("Type 'Can someone book the team lunch?' without sending it"):
        user.page.get_by_test_id("composer-input").fill("Can someone book the team lunch?")
    with user.step("Open #travel from the sidebar"):
        open_room(user, 2)
        title = user.page.get_by_test_id("room-title").inner_text()
        user.note(f"Message box in {title}: {composer_text(user)!r}")
    with user.step("Replace the text with 'Taxi receipts are in the drive', without sending it"):
        user.page.get_by_test_id("composer-input").fill("Taxi receipts are in the drive")
    with user.step("Open #general again"):
        open_room(user, 1)
        title = user.page.get_by_test_id("room-title").inner_text()
        user.note(f"Message box in {title}: {composer_text(user)!r}")
    with user.step("Open #travel again"):
        open_room(user, 2)
        title = user.page.get_by_test_id("room-title").inner_text()
        user.note(f"Message box in {title}: {composer_text(user)!r}")
