# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Workspace settings: general, members and categories, for admins and read-only roles."""

from conftest import ALICE, BOB, CAROL, HENRI, INES, assert_no_reload, mark_page, ok
from playwright.sync_api import expect


def test_admin_renames_the_workspace_everywhere_in_place(login):
    page = login(ALICE, path="/w/1/settings")
    mark_page(page)
    page.get_by_test_id("workspace-name-input").fill("Acme Trips")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-saved")).to_be_visible()
    expect(page.get_by_test_id("workspace-link-1")).to_contain_text("Acme Trips")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Trips")
    assert_no_reload(page, "saving the workspace settings")


def test_threshold_is_validated_and_applied_to_reports(login):
    page = login(ALICE, path="/w/1/settings")
    expect(page.get_by_test_id("threshold-input")).to_have_value("75.00")
    page.get_by_test_id("threshold-input").fill("7.555")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-error-receipt_required_over")).to_be_visible()
    page.get_by_test_id("threshold-input").fill("400")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-saved")).to_be_visible()
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_text("Receipts are required for expenses over $400.00.")).to_be_visible()
    page.get_by_test_id("report-link-1").click()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")


def test_blank_workspace_name_is_refused(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("workspace-name-input").fill("  ")
    page.get_by_test_id("save-workspace").click()
    expect(page.get_by_test_id("settings-error-name")).to_contain_text("required")
    expect(page.get_by_test_id("workspace-link-1")).to_contain_text("Acme Travel")


def test_member_sees_settings_read_only(login):
    page = login(BOB, path="/w/1/settings")
    expect(page.get_by_test_id("settings-page")).to_contain_text("You are a member here")
    expect(page.get_by_test_id("workspace-name")).to_have_text("Acme Travel")
    expect(page.get_by_test_id("receipt-threshold")).to_have_text("$75.00")
    expect(page.get_by_test_id("member-role-1")).to_have_text("Admin")
    expect(page.get_by_test_id("category-status-5")).to_have_text("Disabled")
    for test_id in (
        "save-workspace",
        "workspace-name-input",
        "add-member-email",
        "remove-member-2",
        "category-toggle-1",
        "rename-category-1",
        "delete-category-5",
        "new-category-name",
    ):
        expect(page.get_by_test_id(test_id)).to_have_count(0)


def test_auditor_sees_settings_read_only(login):
    page = login(CAROL, path="/w/1/settings")
    expect(page.get_by_test_id("settings-page")).to_contain_text("You are an auditor here")
    expect(page.get_by_test_id("member-role-3")).to_have_text("Auditor")
    expect(page.get_by_test_id("save-workspace")).to_have_count(0)


def test_euro_threshold_is_shown_in_euros(login):
    page = login(INES, path="/w/2/settings")
    expect(page.get_by_test_id("receipt-threshold")).to_have_text("€50.00")


def test_settings_of_a_foreign_workspace_are_not_found(login):
    page = login(HENRI, path="/w/1/settings")
    expect(page.get_by_test_id("settings-not-found")).to_be_visible()
    expect(page.get_by_test_id("settings-page")).to_have_count(0)


def test_admin_adds_a_member_with_a_role(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("add-member-email").fill("ines@tally.test")
    page.get_by_test_id("add-member-role").select_option("auditor")
    page.get_by_test_id("add-member-submit").click()
    expect(page.get_by_test_id("member-row-9")).to_contain_text("Ines Moreau")
    expect(page.get_by_test_id("member-role-9")).to_have_value("auditor")
    expect(page.get_by_test_id("add-member-email")).to_have_value("")


def test_adding_an_unknown_email_shows_the_error(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("add-member-email").fill("nobody@tally.test")
    page.get_by_test_id("add-member-submit").click()
    expect(page.get_by_test_id("members-error-email")).to_contain_text("nobody@tally.test")


def test_admin_changes_a_role_and_removes_a_member(login, api):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("member-role-4").select_option("auditor")
    expect(page.get_by_test_id("member-role-4")).to_have_value("auditor")
    page.get_by_test_id("remove-member-7").click()
    expect(page.get_by_test_id("member-row-7")).to_have_count(0)
    api.login(ALICE)
    members = {m["id"]: m["role"] for m in ok(api.get("/api/workspaces/1"))["members"]}
    assert members.get(4) == "auditor" and 7 not in members, members


def test_demoting_the_only_admin_is_refused_and_reverted(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("member-role-1").select_option("member")
    expect(page.get_by_test_id("members-error")).to_contain_text("at least one admin")
    expect(page.get_by_test_id("member-role-1")).to_have_value("admin")
    expect(page.get_by_test_id("current-role")).to_have_text("Admin")


def test_admin_adds_renames_toggles_and_deletes_categories(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("new-category-name").fill("Training")
    page.get_by_test_id("add-category").click()
    section = page.get_by_test_id("categories-section")
    expect(section).to_contain_text("Training")
    expect(page.get_by_test_id("new-category-name")).to_have_value("")
    page.get_by_test_id("rename-category-4").click()
    page.get_by_test_id("category-rename-input-4").fill("Office supplies")
    page.get_by_test_id("category-rename-save-4").click()
    expect(page.get_by_test_id("category-name-4")).to_have_text("Office supplies")
    page.get_by_test_id("category-toggle-5").check()
    expect(page.get_by_test_id("category-row-5")).to_contain_text("Enabled")
    page.get_by_test_id("delete-category-5").click()
    expect(page.get_by_test_id("category-row-5")).to_have_count(0)


def test_category_errors_are_shown(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("new-category-name").fill("meals")
    page.get_by_test_id("add-category").click()
    expect(page.get_by_test_id("category-error-name")).to_contain_text("already exists")
    page.get_by_test_id("delete-category-1").click()
    expect(page.get_by_test_id("categories-error")).to_contain_text("disable it instead")
    expect(page.get_by_test_id("category-row-1")).to_be_visible()


def test_new_category_text_survives_toggling_another_category(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("new-category-name").fill("Half typed")
    page.get_by_test_id("workspace-name-input").fill("Acme Co")
    page.get_by_test_id("category-toggle-1").uncheck()
    expect(page.get_by_test_id("category-row-1")).to_contain_text("Disabled")
    expect(page.get_by_test_id("new-category-name")).to_have_value("Half typed")
    expect(page.get_by_test_id("workspace-name-input")).to_have_value("Acme Co")


def test_disabled_category_leaves_the_expense_form_but_stays_on_its_expenses(login):
    page = login(ALICE, path="/w/1/settings")
    page.get_by_test_id("category-toggle-2").uncheck()  # Meals
    expect(page.get_by_test_id("category-row-2")).to_contain_text("Disabled")
    page.get_by_test_id("nav-reports").click()
    page.get_by_test_id("report-link-1").click()
    page.get_by_test_id("add-expense").click()
    options = page.get_by_test_id("expense-category").locator("option")
    expect(options).to_have_text(["Choose a category", "Lodging", "Office", "Travel"])
    page.get_by_test_id("expense-cancel").click()
    page.get_by_test_id("edit-expense-2").click()  # Joe's Pizza is a Meals expense
    expect(page.get_by_test_id("expense-category")).to_have_value("2")
