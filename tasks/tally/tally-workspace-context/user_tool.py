"""Reproduction steps: Alice (Acme Travel admin, Euro Ops member) searches "lisbon" and opens the
message result, in Euro Ops #general."""


def context(user):
    page = user.page
    name = page.get_by_test_id("current-workspace")
    role = page.get_by_test_id("current-role")
    rooms = page.locator("[data-testid^='room-link-']")
    room_names = ", ".join(
        f"{rooms.nth(i).inner_text().strip()} ({rooms.nth(i).get_attribute('href')})"
        for i in range(rooms.count())
    )
    user.note(
        f"Top bar: {name.inner_text() if name.count() else '-'} / "
        f"{role.inner_text() if role.count() else '-'}"
    )
    user.note(f"Sidebar rooms: {' '.join(room_names.split())}")
    user.note(f"Sidebar 'Reports' goes to: {page.get_by_test_id('nav-reports').get_attribute('href')}")


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/1")
    with user.step("Look at the top bar and the sidebar"):
        page.get_by_test_id("current-role").wait_for()
        page.get_by_test_id("room-link-1").wait_for()
        context(user)
    with user.step("Search for 'lisbon'"):
        box = page.get_by_test_id("search-input")
        box.fill("lisbon")
        box.press("Enter")
        page.get_by_test_id("search-results").get_by_role("link").first.wait_for()
    with user.step("Click the message result 'the Lisbon report is ready for review'"):
        page.get_by_test_id("search-results").get_by_role("link").filter(
            has_text="the Lisbon report is ready for review"
        ).click()
        page.wait_for_url("**/rooms/3")
        page.get_by_test_id("message-13").wait_for()
        page.wait_for_load_state("networkidle")
        user.note(f"Room: {page.get_by_test_id('room-title').inner_text()}")
        context(user)
        user.note("Split button: " + ("shown" if page.get_by_test_id("split-button").count() else "missing"))
