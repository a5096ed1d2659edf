"""Reproduction steps: as Bob (member), open Alice's report, then the chat room of that report."""


def reproduce(user):
    user.login("bob@tally.test", path="/reports/1")
    page = user.page
    with user.step("Open Alice's report 'NYC client visit' at /reports/1"):
        page.get_by_test_id("report-error").or_(page.get_by_test_id("report-title")).first.wait_for()
        if page.get_by_test_id("report-error").count():
            user.note("Report page says: " + page.get_by_test_id("report-error").inner_text())
        else:
            user.note("Report page shows: " + page.get_by_test_id("report-title").inner_text())
    with user.step("Open the report's chat room at /rooms/4"):
        page.goto(user.url("/rooms/4"))
        page.get_by_test_id("room-error").or_(page.get_by_test_id("messages")).first.wait_for()
        if page.get_by_test_id("room-error").count():
            user.note("Room page says: " + page.get_by_test_id("room-error").inner_text())
        else:
            user.note("Room title: " + page.get_by_test_id("room-title").inner_text())
            user.note("Messages shown: " + page.get_by_test_id("messages").inner_text()[:300])
