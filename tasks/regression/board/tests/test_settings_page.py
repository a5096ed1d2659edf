# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The settings pages (/settings/*): profile (name, time zone, notification preferences),
workspace name, members and roles (the last admin stays), and labels."""

from conftest import ADA, BEN, ok
from playwright.sync_api import expect


def test_saving_the_profile_refuses_an_empty_name_then_updates_the_top_bar(login, api):
    page = login(BEN, path="/settings")
    expect(page.get_by_test_id("profile-form")).to_contain_text(
        "Signed in as ben@board.test (@ben), member."
    )
    expect(page.get_by_test_id("profile-timezone")).to_have_value("America/New_York")
    page.get_by_test_id("profile-name").fill("   ")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("profile-error")).to_have_text("Your name cannot be empty.")
    page.get_by_test_id("profile-name").fill("  Benjamin   Carter ")
    page.get_by_test_id("profile-timezone").select_option("Europe/Paris")
    page.get_by_test_id("profile-pref-commented").uncheck()
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Profile saved")
    expect(page.get_by_test_id("current-user")).to_have_text("Benjamin Carter")
    api.login(BEN)
    me = ok(api.get("/api/me"))
    assert (me["name"], me["time_zone"]) == ("Benjamin Carter", "Europe/Paris")
    assert me["notification_prefs"]["commented"] is False
    page.reload()
    expect(page.get_by_test_id("profile-pref-commented")).not_to_be_checked()
    expect(page.get_by_test_id("profile-name")).to_have_value("Benjamin Carter")


def test_an_admin_renames_the_workspace_and_the_sidebar_follows(login, api):
    page = login(ADA, path="/settings/workspace")
    expect(page.get_by_test_id("workspace-counts")).to_have_text("8 members, 1 admin")
    page.get_by_test_id("workspace-name-input").fill("Acme Labs")
    page.get_by_test_id("workspace-save").click()
    expect(page.get_by_test_id("workspace-name")).to_have_text("Acme Labs")
    api.login(BEN)
    assert ok(api.get("/api/workspace"))["name"] == "Acme Labs"


def test_the_members_table_lists_roles_and_a_role_change_is_saved(login, api):
    page = login(ADA, path="/settings/members")
    rows = page.get_by_test_id("members-settings").locator("tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.nth(0)).to_have_attribute("data-testid", "member-row-1")
    expect(rows.nth(7)).to_have_attribute("data-testid", "member-row-5")
    expect(page.get_by_test_id("member-row-2")).to_contain_text("MOB, WEB")
    expect(page.get_by_test_id("member-role-5")).to_have_value("guest")
    page.get_by_test_id("member-role-7").select_option("admin")
    expect(page.get_by_test_id("toast")).to_contain_text("Gus Lindqvist is now admin")
    expect(page.get_by_test_id("member-role-7")).to_have_value("admin")
    api.login(ADA)
    assert ok(api.get("/api/workspace"))["admin_count"] == 2


def test_the_last_admin_can_be_neither_demoted_nor_removed_in_the_table(login, api):
    page = login(ADA, path="/settings/members")
    page.get_by_test_id("member-role-1").select_option("member")
    expect(page.get_by_test_id("toast")).to_contain_text("The workspace needs at least one admin")
    expect(page.get_by_test_id("member-role-1")).to_have_value("admin")
    expect(page.get_by_test_id("current-role")).to_have_text("admin")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("member-remove-1").click()
    expect(page.get_by_test_id("toast").filter(has_text="last admin")).to_contain_text(
        "The last admin cannot be removed"
    )
    expect(page.get_by_test_id("member-row-1")).to_be_visible()
    api.login(ADA)
    assert ok(api.get("/api/me"))["role"] == "admin"


def test_removing_a_member_takes_them_off_the_table(login, api):
    page = login(ADA, path="/settings/members")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("member-remove-8").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Removed Hana Sato")
    expect(page.get_by_test_id("member-row-8")).to_have_count(0)
    api.login(ADA)
    assert 8 not in [m["id"] for m in ok(api.get("/api/members"))]


def test_labels_are_listed_by_name_and_a_duplicate_name_is_refused_before_creating(login, api):
    page = login(ADA, path="/settings/labels")
    rows = page.get_by_test_id("labels-settings").locator("tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.nth(1)).to_have_attribute("data-testid", "label-row-4")
    expect(page.get_by_test_id("label-row-1")).to_contain_text("10 issues")
    page.get_by_test_id("new-label-name").fill("bug")
    page.get_by_test_id("new-label-submit").click()
    expect(page.get_by_test_id("new-label-error")).to_have_text(
        "A label named “bug” already exists."
    )
    page.get_by_test_id("new-label-name").fill("Regression")
    page.get_by_test_id("new-label-color-green").click()
    page.get_by_test_id("new-label-submit").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Created label Regression")
    expect(page.get_by_test_id("label-name-9")).to_have_text("Regression")
    api.login(ADA)
    label = next(x for x in ok(api.get("/api/labels")) if x["id"] == 9)
    assert (label["name"], label["color"]) == ("Regression", "green")


def test_renaming_and_deleting_a_label(login, api):
    page = login(ADA, path="/settings/labels")
    page.get_by_test_id("label-edit-7").click()
    page.get_by_test_id("label-name-input-7").fill("Documentation")
    page.get_by_test_id("label-save-7").click()
    expect(page.get_by_test_id("label-name-7")).to_have_text("Documentation")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("label-delete-8").click()
    expect(page.get_by_test_id("label-row-8")).to_have_count(0)
    api.login(ADA)
    assert [x["name"] for x in ok(api.get("/api/labels"))] == [
        "Bug",
        "Design",
        "Documentation",
        "Feature",
        "Improvement",
        "Performance",
        "Security",
    ]


def test_a_member_sees_workspace_members_and_labels_read_only(login):
    page = login(BEN, path="/settings/workspace")
    expect(page.get_by_test_id("workspace-name-input")).to_have_value("Acme")
    expect(page.get_by_test_id("workspace-name-input")).to_be_disabled()
    expect(page.get_by_test_id("workspace-save")).to_have_count(0)
    page.get_by_test_id("settings-nav-members").click()
    expect(page.get_by_test_id("member-role-1")).to_have_text("admin")
    expect(page.get_by_test_id("member-remove-2")).to_have_count(0)
    page.get_by_test_id("settings-nav-labels").click()
    expect(page.get_by_test_id("label-row-1")).to_be_visible()
    expect(page.get_by_test_id("new-label-form")).to_have_count(0)
    expect(page.get_by_test_id("label-edit-1")).to_have_count(0)
