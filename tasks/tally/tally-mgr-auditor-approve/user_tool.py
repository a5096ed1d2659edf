"""Reproduction steps: as the auditor Carol, open Bob's submitted report and try to approve it."""


def reproduce(user):
    user.login("carol@tally.test", path="/w/1")
    with user.step("Open Acme Travel > Reports > 'Berlin offsite'"):
        user.page.get_by_test_id("report-link-3").click()
        user.page.get_by_test_id("report-title").wait_for()
        user.note("Role shown in the top bar: " + user.page.get_by_test_id("current-role").inner_text())
        user.note("Status: " + user.page.get_by_test_id("report-status").inner_text())
    with user.step("Look at the buttons in the report header"):
        buttons = [
            label
            for label, test_id in (("Approve", "approve-report"), ("Reject", "reject-report"))
            if user.page.get_by_test_id(test_id).count()
        ]
        user.note("Buttons offered: " + (", ".join(buttons) if buttons else "none"))
    with user.step("Click 'Approve' (if there is such a button)"):
        approve = user.page.get_by_test_id("approve-report")
        if approve.count():
            approve.click()
            user.page.get_by_test_id("report-status").filter(has_text="Approved").wait_for(timeout=2500)
        else:
            user.note("There is no Approve button to click.")
        user.note("Status now: " + user.page.get_by_test_id("report-status").inner_text())
