"""Reproduction steps: start a comment on WEB-1, start another on its sub-issue WEB-9, go back to
WEB-1 and look at its comment box."""


def box(user, key):
    user.page.get_by_test_id("issue-key").filter(has_text=key).wait_for()
    user.page.get_by_test_id("comment-input").wait_for()
    return user.page.get_by_test_id("comment-input")


def reproduce(user):
    user.login("ben@board.test", path="/issues/WEB-1")
    with user.step("Start a comment on WEB-1 without sending it"):
        box(user, "WEB-1").fill("Half-written: the checkout redesign still needs")
    with user.step("Open the sub-issue WEB-9 and start a comment there"):
        user.page.get_by_test_id("sub-issue-WEB-9").get_by_role("link").click()
        field = box(user, "WEB-9")
        user.note("WEB-9's comment box on arrival: " + repr(field.input_value()))
        field.fill("Sidebar note, not finished")
    with user.step("Go back to WEB-1 through the parent link"):
        user.page.get_by_test_id("issue-parent-link").click()
        user.note("WEB-1's comment box: " + repr(box(user, "WEB-1").input_value()))
