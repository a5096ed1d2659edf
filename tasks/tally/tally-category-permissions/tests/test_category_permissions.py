# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Only workspace admins may rename or delete categories; members and auditors get 403."""

from playwright.sync_api import expect

ACME_CATEGORIES = {1: "Travel", 2: "Meals", 3: "Lodging", 4: "Office", 5: "Legacy"}


def categories(api, workspace_id=1):
    api.login("alice@tally.test")
    status, body = api.get(f"/api/workspaces/{workspace_id}")
    assert status == 200, body
    return {category["id"]: category["name"] for category in body["categories"]}


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
    page = login("bob@tally.test")
    page.goto("/w/1/settings")
    delete = page.get_by_test_id("delete-category-5")
    expect(delete).to_be_visible()
    # the page has finished loading the workspace (as an admin) before Bob is demoted
    page.wait_for_load_state("networkidle")

    status, body = api.patch("/api/workspaces/1/members/2", {"role": "member"})
    assert status == 200, body
    with page.expect_response(lambda r: "/api/categories/5" in r.url) as info:
        delete.click()
    assert info.value.status == 403
    assert categories(api) == ACME_CATEGORIES
    page.reload()
    expect(page.get_by_test_id("category-row-5")).to_be_visible()
    expect(page.get_by_test_id("delete-category-5")).to_have_count(0)


def test_admin_renames_and_deletes_in_settings(login, api):
    page = login("alice@tally.test")
    page.goto("/w/1/settings")
    expect(page.get_by_test_id("rename-category-2")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("rename-category-2").click()
    page.get_by_test_id("category-rename-input-2").fill("Team meals")
    page.get_by_test_id("category-rename-save-2").click()
    expect(page.get_by_test_id("category-name-2")).to_have_text("Team meals")
    page.get_by_test_id("delete-category-5").click()
    expect(page.get_by_test_id("category-row-5")).to_have_count(0)
    expect(page.get_by_test_id("categories-error")).to_have_count(0)
    assert categories(api) == {1: "Travel", 2: "Team meals", 3: "Lodging", 4: "Office"}
