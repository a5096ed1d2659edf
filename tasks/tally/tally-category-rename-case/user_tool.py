"""Reproduction steps: in Acme Travel's settings, rename the category "Office" to "OFFICE"."""


def reproduce(user):
    user.login("alice@tally.test", path="/w/1/settings")
    page = user.page
    with user.step("Open Settings > Categories"):
        page.get_by_test_id("category-name-4").wait_for()
        user.note("Category 4 is called: " + page.get_by_test_id("category-name-4").inner_text().strip())
    with user.step("Click 'Rename' on Office, type OFFICE and save"):
        page.get_by_test_id("rename-category-4").click()
        page.get_by_test_id("category-rename-input-4").fill("OFFICE")
        page.get_by_test_id("category-rename-save-4").click()
        error = page.get_by_test_id("categories-error")
        name = page.get_by_test_id("category-name-4")
        error.or_(name).first.wait_for()
        if error.count():
            user.note("Error shown: " + error.inner_text())
        if name.count():
            user.note("Category 4 is now called: " + name.inner_text().strip())
        else:
            user.note("The rename box is still open")
