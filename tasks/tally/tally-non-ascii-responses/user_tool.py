"""Reproduction steps: Bob sends "Lunch at Café Rouge 🍕 anyone?" in #general, reloads, then
opens his report "Q2 office supplies"."""


def reproduce(user):
    page = user.page
    user.login("bob@tally.test", path="/rooms/1")
    composer = page.get_by_test_id("composer-input")
    with user.step("Send 'Lunch at Café Rouge 🍕 anyone?' in #general"):
        page.get_by_test_id("message-6").wait_for()
        composer.fill("Lunch at Café Rouge 🍕 anyone?")
        with page.expect_response(lambda r: r.request.method == "POST"):
            composer.press("Enter")
        page.get_by_test_id("composer-send").filter(has_text="Send").wait_for()
        error = page.get_by_test_id("composer-error")
        user.note(f"Error above the message box: {error.inner_text() if error.count() else 'none'}")
    with user.step("Reload #general"):
        page.reload()
        page.get_by_test_id("room-title").wait_for()
        page.locator("[data-testid='message-6'], [data-testid='messages-empty']").first.wait_for()
        error = page.get_by_test_id("chat-error")
        user.note(f"Error shown: {error.inner_text() if error.count() else 'none'}")
        shown = page.get_by_test_id("messages").get_by_text("Lunch at Café Rouge").count()
        user.note(f"Messages with 'Lunch at Café Rouge' shown: {shown}")
    with user.step("Open the report 'Q2 office supplies'"):
        page.get_by_test_id("nav-reports").click()
        page.get_by_test_id("report-link-2").click()
        page.wait_for_url("**/reports/2")
        page.wait_for_load_state("networkidle")
        title = page.get_by_test_id("report-title")
        user.note(f"Report title shown: {title.inner_text() if title.count() else 'none (blank page)'}")
