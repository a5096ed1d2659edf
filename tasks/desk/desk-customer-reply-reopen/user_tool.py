"""Reproduction steps: Carla replies to her solved request #9; then the ticket's status is read back."""

REPLY = "It's happening again since this morning"


def reproduce(user):
    user.login("carla@desk.test", path="/tickets/9")
    with user.step("Look at request #9"):
        user.page.get_by_test_id("ticket-subject").wait_for()
        user.note("Status: " + user.page.get_by_test_id("request-status").inner_text())
        user.note("Open requests in the sidebar: " + user.page.get_by_test_id("view-count-open-requests").inner_text())
    with user.step(f"Reply '{REPLY}' and click Send reply"):
        user.page.get_by_test_id("composer-input").fill(REPLY)
        user.page.get_by_test_id("composer-submit").click()
        user.page.get_by_test_id("conversation").get_by_text(REPLY).wait_for()
        user.note("Status after replying: " + user.page.get_by_test_id("request-status").inner_text())
    with user.step("Reload the page"):
        user.page.reload()
        user.page.get_by_test_id("ticket-subject").wait_for()
        user.page.get_by_test_id("view-count-open-requests").wait_for()
        user.note("Status: " + user.page.get_by_test_id("request-status").inner_text())
        user.note("Open requests in the sidebar: " + user.page.get_by_test_id("view-count-open-requests").inner_text())
