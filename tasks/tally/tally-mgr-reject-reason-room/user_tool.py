"""Reproduction steps: reject Bob's "Berlin offsite" with a reason, then look for the reason."""

REASON = "Please split the hotel invoice per night."


def reproduce(user):
    user.login("alice@tally.test", path="/reports/3")
    page = user.page
    with user.step("Open the report 'Berlin offsite' and its chat"):
        page.get_by_test_id("report-title").wait_for()
        page.get_by_test_id("chat-6").get_by_test_id("message-14").wait_for()
    with user.step("Click 'Reject', type the reason and confirm"):
        page.get_by_test_id("reject-report").click()
        page.get_by_test_id("reject-reason").fill(REASON)
        page.get_by_test_id("reject-confirm").click()
        page.get_by_test_id("report-status").filter(has_text="Rejected").wait_for()
        user.note("Status: " + page.get_by_test_id("report-status").inner_text().strip())
    with user.step("Reload the report and read its chat"):
        page.reload()
        chat = page.get_by_test_id("chat-6")
        chat.get_by_test_id("message-14").wait_for()
        found = chat.get_by_text(f"Rejected: {REASON}").count()
        user.note("Reason shown in the Berlin offsite chat: " + ("yes" if found else "no"))
    with user.step("Open Euro Ops #general"):
        page.goto(user.url("/rooms/3"))
        page.get_by_test_id("messages").wait_for()
        messages = page.get_by_test_id("messages").inner_text()
        user.note("Reason shown in Euro Ops #general: " + ("yes" if REASON in messages else "no"))
