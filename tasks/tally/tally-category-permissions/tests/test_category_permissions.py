# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Only workspace admins may change categories (rename, delete, enable or disable them);
members and auditors get 403."""

from playwright.sync_api import expect

ACME_CATEGORIES = {1: "Travel", 2: "Meals", 3: "Lodging", 4: "Office", 5: "Legacy"}
# id -> (name, enabled); Legacy is disabled in both workspaces
SEEDED = {
    1: {
        1: ("Travel", True),
        2: ("Meals", True),
        3: ("Lodging", True),
        4: ("Office", True),
        5: ("Legacy", False),
    },
    2: {
        6: ("Travel", True),
        7: ("Meals", True),
        8: ("Lodging", True),
        9: ("Office", True),
        10: ("Legacy", False),
    },
}
ADMINS = {1: "alice@tally.test", 2: "henri@tally.test"}


def categories(api, workspace_id=1):
    api.login("alice@tally.test")
    status, body = api.get(f"/api/workspaces/{workspace_id}")
    assert status == 200, body
    return {category["id"]: category["name"] for category in body["categories"]}


def category_states(api, workspace_id):
    api.login(ADMINS[workspace_id])
    status, body = api.get(f"/api/workspaces/{workspace_id}")
    assert status == 200, body
    return {c["id"]: (c["name"], c["enabled"]) for c in body["categories"]}


# every change the category API accepts: its name, its enabled switch, both at once, deleting it
CHANGES = [
    ("PATCH", 2, {"enabled": False}),
    ("PATCH", 5, {"enabled": True}),
    ("PATCH", 2, {"name": "Snacks", "enabled": False}),
    ("PATCH", 5, {"name": "Old stuff", "enabled": True}),
    ("PATCH", 3, {"name": "Hotels"}),
    ("DELETE", 5, None),
]


def attempt(api, method, category_id, body, workspace_id):
    """One change to the seeded category ``category_id`` of Acme Travel, or its twin in Euro Ops."""
    path = f"/api/categories/{category_id + (0 if workspace_id == 1 else 5)}"
    status, answer = api.patch(path, body) if method == "PATCH" else api.delete(path)
    return status, f"{method} {path} {body or ''}: {status} {answer}"


def test_members_and_auditors_cannot_change_categories_in_any_way(api):
    for workspace_id, email, refusals in [
        (1, "bob@tally.test", {403}),
        (1, "carol@tally.test", {403}),
        (2, "ines@tally.test", {403}),
        (2, "alice@tally.test", {403}),  # an admin of Acme Travel, only a member of Euro Ops
        (1, "henri@tally.test", {403, 404}),  # an admin of Euro Ops, not in Acme Travel
    ]:
        api.login(email)
        for method, category_id, body in CHANGES:
            status, what = attempt(api, method, category_id, body, workspace_id)
            assert status in refusals, f"{email} was allowed {what}"
    for workspace_id, seeded in SEEDED.items():
        assert category_states(api, workspace_id) == seeded


def test_admins_can_still_change_categories(api):
    for workspace_id, email in ADMINS.items():
        api.login(email)
        for method, category_id, body in CHANGES:
            status, what = attempt(api, method, category_id, body, workspace_id)
            assert status == 200, f"{email} was refused {what}"
        offset = 0 if workspace_id == 1 else 5
        assert category_states(api, workspace_id) == {
            1 + offset: ("Travel", True),
            2 + offset: ("Snacks", False),
            3 + offset: ("Hotels", True),
            4 + offset: ("Office", True),
        }


def check_refused(api, email):
    api.login(email)
    status, body = api.patch("/api/categories/2", {"name": "Snacks"})
    assert status == 403, f"{email} renamed a category: {status} {body}"
    status, body = api.delete("/api/categories/5")
    assert status == 403, f"{email} deleted a category: {status} {body}"
    assert categories(api) == ACME_CATEGORIES


def test_member_cannot_rename_or_delete_category(api):
    check_refused(api, "bob@tally.test")


def test_auditor_cannot_rename_or_delete_category(api):
    check_refused(api, "carol@tally.test")


def test_stale_settings_tab_after_demotion(login, api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/workspaces/1/members/2", {"role": "admin"})
    assert status == 200, body
    page = login("bob@tally.test", path="/w/1/settings")
    delete = page.get_by_test_id("delete-category-5")
    expect(delete).to_be_visible()
    # the page has finished loading the workspace (as an admin) before Bob is demoted
    page.wait_for_load_state("networkidle")
    # a stale tab: it learns nothing of the demotion (a reload of the workspace that a slow
    # machine starts late would show Bob as a member and take the button away)
    page.route("**/api/workspaces**", lambda route: route.abort())

    status, body = api.patch("/api/workspaces/1/members/2", {"role": "member"})
    assert status == 200, body
    with page.expect_response(lambda r: "/api/categories/5" in r.url) as info:
        delete.click()
    assert info.value.status == 403
    assert categories(api) == ACME_CATEGORIES
    page.unroute("**/api/workspaces**")
    page.reload()
    expect(page.get_by_test_id("category-row-5")).to_be_visible()
    expect(page.get_by_test_id("delete-category-5")).to_have_count(0)


def test_admin_renames_and_deletes_in_settings(login, api):
    page = login("alice@tally.test", path="/w/1/settings")
    expect(page.get_by_test_id("rename-category-2")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("rename-category-2").click()
    page.get_by_test_id("category-rename-input-2").fill("Team meals")
    page.get_by_test_id("category-rename-save-2").click()
    expect(page.get_by_test_id("category-name-2")).to_have_text("Team meals")
    page.get_by_test_id("delete-category-5").click()
    expect(page.get_by_test_id("category-row-5")).to_have_count(0)
    with page.expect_response(lambda r: "/api/categories/4" in r.url) as info:
        page.get_by_test_id("category-toggle-4").click()
    assert info.value.status == 200
    expect(page.get_by_test_id("category-toggle-4")).not_to_be_checked()
    expect(page.get_by_test_id("categories-error")).to_have_count(0)
    assert category_states(api, 1) == {
        1: ("Travel", True),
        2: ("Team meals", True),
        3: ("Lodging", True),
        4: ("Office", False),
    }
