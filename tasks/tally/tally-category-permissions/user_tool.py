"""Reproduction steps: Bob's settings tab goes stale after Alice demotes him, then he deletes a category."""


def set_bobs_role(user, role):
    """What Alice does in her own browser: change Bob's role in Acme Travel."""
    login = user.page.request.post(
        user.url("/api/login"), data={"email": "alice@tally.test", "password": "password"}
    )
    token = login.json()["token"]
    response = user.page.request.patch(
        user.url("/api/workspaces/1/members/2"),
        data={"role": role},
        headers={"Authorization": f"Bearer {token}"},
    )
    user.note(f"Alice changed Bob's role to {role} (HTTP {response.status})")


def categories(user):
    rows = user.page.locator("[data-testid^='category-name-']")
    return [text.strip() for text in rows.all_inner_texts()]


def reproduce(user):
    with user.step("Alice (in her own browser) makes Bob an admin of Acme Travel"):
        set_bobs_role(user, "admin")
    user.login("bob@tally.test", path="/w/1/settings")
    with user.step("Bob looks at Acme Travel settings"):
        user.page.get_by_test_id("delete-category-5").wait_for()
        user.page.get_by_test_id("category-name-1").wait_for()
        user.note("Categories: " + ", ".join(categories(user)))
    with user.step("Alice changes Bob back to a member; Bob's tab stays open"):
        set_bobs_role(user, "member")
    with user.step("Bob clicks Delete next to Legacy"):
        with user.page.expect_response(lambda r: "/api/categories/5" in r.url) as info:
            user.page.get_by_test_id("delete-category-5").click()
        response = info.value
        user.note(f"DELETE /api/categories/5 answered {response.status}: {response.text()}")
        error = user.page.get_by_test_id("categories-error")
        if error.count():
            user.note("Message shown: " + error.inner_text().strip())
    with user.step("Bob reloads the settings page"):
        user.page.reload()
        user.page.get_by_test_id("category-name-1").wait_for()
        user.note("Categories after reload: " + ", ".join(categories(user)))
        links = user.page.locator("[data-testid^='delete-category-']").count()
        user.note(f"Delete links Bob sees now: {links}")
