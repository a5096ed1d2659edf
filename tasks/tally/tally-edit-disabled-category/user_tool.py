"""Reproduction steps: Alice disables the Meals category, then Bob edits his Café Rouge expense
(category Meals)."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/1/settings")
    with user.step("Switch the Meals category off"):
        toggle = page.get_by_test_id("category-toggle-2")
        with page.expect_response(lambda r: r.url.endswith("/api/categories/2")):
            toggle.uncheck()
        user.note("Meals is now " + ("enabled" if toggle.is_checked() else "disabled"))
    with user.step("Sign out"):
        page.get_by_test_id("logout-button").click()
        page.get_by_test_id("login-form").wait_for()
    user.login("bob@tally.test", path="/reports/2")
    with user.step("Look at the Café Rouge row"):
        category = page.get_by_test_id("expense-category-6")
        category.wait_for()
        user.note(f"Café Rouge category in the table: {category.inner_text().strip()}")
    with user.step("Click Edit on Café Rouge"):
        page.get_by_test_id("edit-expense-6").click()
        select = page.get_by_test_id("expense-category")
        select.wait_for()
        shown = select.evaluate("s => s.selectedIndex < 0 ? '(empty)' : s.options[s.selectedIndex].text")
        user.note(f"Category box shows: {shown.strip()}")
        choices = select.locator("option").all_inner_texts()
        user.note("Categories offered: " + ", ".join(c.strip() for c in choices))
