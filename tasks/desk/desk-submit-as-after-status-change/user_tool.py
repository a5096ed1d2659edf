"""Reproduction steps: on ticket #1, set the status to Pending in the side panel, then reply."""

REPLY = "Could you try again in a private window and tell me what you see?"


def reproduce(user):
    page = user.page
    user.login("sam@desk.test", path="/tickets/1")
    with user.step("Look at ticket #1"):
        page.get_by_test_id("comment-2").wait_for()
        user.note("Status: " + page.get_by_test_id("ticket-status").inner_text())
    with user.step("Set Status to Pending in the side panel"):
        page.get_by_test_id("prop-status").select_option("pending")
        page.get_by_text("Pending", exact=True).first.wait_for()
        page.wait_for_load_state("networkidle")
        user.note("Status: " + page.get_by_test_id("ticket-status").inner_text())
        select = page.get_by_test_id("composer-status")
        user.note("'Submit as' under the reply box shows: " + select.locator("option:checked").inner_text())
    with user.step(f"Type '{REPLY}' and click Send reply"):
        page.get_by_test_id("composer-input").fill(REPLY)
        page.get_by_test_id("composer-submit").click()
        page.get_by_test_id("conversation").get_by_text(REPLY).wait_for()
        user.note("Status after the reply: " + page.get_by_test_id("ticket-status").inner_text())
        user.note("Status in the side panel: " + page.get_by_test_id("prop-status").input_value())
