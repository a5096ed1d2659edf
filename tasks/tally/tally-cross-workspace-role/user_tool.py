"""Reproduction steps: Alice (member of Euro Ops) opens the Euro Ops settings; Bob (not in Euro
Ops) opens /w/2 by URL."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/2/settings")
    with user.step("Look at the Euro Ops settings as Alice"):
        page.get_by_test_id("settings-page").wait_for()
        page.get_by_test_id("current-role").wait_for()
        user.note(f"Workspace: {page.get_by_test_id('current-workspace').inner_text()}")
        user.note(f"Role badge: {page.get_by_test_id('current-role').inner_text()}")
        editable = page.get_by_test_id("save-workspace").count() > 0
        user.note("Settings form is " + ("editable" if editable else "read-only"))
    with user.step("Open the Euro Ops reports list as Alice"):
        page.get_by_test_id("nav-reports").click()
        page.locator("[data-testid='report-list'], [data-testid='reports-empty']").first.wait_for()
        rows = page.locator("[data-testid^='report-link-']").all_inner_texts()
        user.note("Reports listed: " + (", ".join(r.strip() for r in rows) or "none"))
    with user.step("Sign out"):
        page.get_by_test_id("logout-button").click()
        page.get_by_test_id("login-form").wait_for()
    user.login("bob@tally.test", path="/rooms/3")
    with user.step("Look at what Bob (only in Acme Travel) gets at /rooms/3 (Euro Ops #general)"):
        page.locator("[data-testid='messages'], [data-testid='room-error']").first.wait_for()
        error = page.get_by_test_id("room-error")
        if error.count():
            user.note(f"Error shown: {error.inner_text()}")
        else:
            user.note(f"Room shown: {page.get_by_test_id('room-title').inner_text()}")
            page.locator("[data-testid^='message-']").first.wait_for()
            for text in page.locator("[data-testid^='body-']").all_inner_texts():
                user.note("Message: " + " ".join(text.split()))
