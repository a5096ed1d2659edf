"""Reproduction steps: Alice, the only admin of Acme Travel, changes her own role to Member."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/1/settings")
    with user.step("Look at Alice's role in Members"):
        page.get_by_test_id("member-role-1").wait_for()
        user.note(f"Alice's role: {page.get_by_test_id('member-role-1').input_value()}")
    with user.step("Change Alice's own role to Member"):
        with page.expect_response(lambda r: r.url.endswith("/members/1")) as response:
            page.get_by_test_id("member-role-1").select_option("member")
        user.note(f"The server answered {response.value.status}")
        error = page.get_by_test_id("members-error")
        user.note(f"Error shown: {error.inner_text() if error.count() else 'none'}")
    with user.step("Reload the settings page"):
        page.reload()
        page.get_by_test_id("settings-page").wait_for()
        page.get_by_test_id("member-row-1").wait_for()
        user.note(f"Alice's role: {page.get_by_test_id('member-role-1').first.inner_text().strip()}")
        user.note(
            "Settings are editable" if page.get_by_test_id("save-workspace").count()
            else "Settings are read-only"
        )
