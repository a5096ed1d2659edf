# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A category can be renamed to its own name in other capitals (or left as is); a name used by
another category of the workspace is still refused."""

from playwright.sync_api import expect


def _names(api, workspace_id):
    status, body = api.get(f"/api/workspaces/{workspace_id}")
    assert status == 200, body
    return {c["id"]: (c["name"], c["enabled"]) for c in body["categories"]}


def test_rename_category_changing_only_capitals(api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/categories/4", {"name": "OFFICE"})
    assert status == 200, body
    assert _names(api, 1)[4] == ("OFFICE", True)
    status, body = api.patch("/api/categories/4", {"name": "office"})
    assert status == 200, body
    status, body = api.patch("/api/categories/2", {"name": "Meals", "enabled": False})
    assert status == 200, body
    names = _names(api, 1)
    assert names[4] == ("office", True)
    assert names[2] == ("Meals", False)

    api.login("henri@tally.test")
    status, body = api.patch("/api/categories/8", {"name": " lodging "})
    assert status == 200, body
    assert _names(api, 2)[8] == ("lodging", True)


def test_other_categories_names_still_refused(api):
    api.login("alice@tally.test")
    before = _names(api, 1)
    for category_id, name in ((2, "travel"), (2, " TRAVEL "), (4, "legacy"), (1, "Meals")):
        status, body = api.patch(f"/api/categories/{category_id}", {"name": name})
        assert status == 400, (category_id, name, status, body)
        assert body.get("field") == "name", body
    status, body = api.post("/api/workspaces/1/categories", {"name": "meals"})
    assert status == 400, body
    assert _names(api, 1) == before
    # the same name in another workspace is fine
    api.login("henri@tally.test")
    status, body = api.patch("/api/categories/9", {"name": "Office supplies"})
    assert status == 200, body
    api.login("alice@tally.test")
    status, body = api.patch("/api/categories/4", {"name": "Office supplies"})
    assert status == 200, body


def test_rename_category_case_in_settings(page, login):
    login("alice@tally.test", path="/w/1/settings")
    page.get_by_test_id("rename-category-4").click()
    page.get_by_test_id("category-rename-input-4").fill("OFFICE")
    page.get_by_test_id("category-rename-save-4").click()
    expect(page.get_by_test_id("category-name-4")).to_have_text("OFFICE")
    expect(page.get_by_test_id("categories-error")).to_have_count(0)

    page.get_by_test_id("rename-category-2").click()
    page.get_by_test_id("category-rename-save-2").click()
    expect(page.get_by_test_id("category-name-2")).to_have_text("Meals")
    expect(page.get_by_test_id("category-rename-input-2")).to_have_count(0)
    expect(page.get_by_test_id("categories-error")).to_have_count(0)
