# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A report's page: its expenses, money, receipts, the expense form and status actions."""

from conftest import (
    ALICE,
    BOB,
    CAROL,
    HENRI,
    PAST_DATE,
    assert_no_reload,
    mark_page,
    ok,
    open_in_app,
)
from playwright.sync_api import expect


def test_report_summary_and_expense_rows(login):
    page = login(ALICE, path="/reports/1")
    expect(page.get_by_test_id("report-title")).to_have_text("NYC client visit")
    expect(page.get_by_test_id("report-owner")).to_contain_text("Alice Admin")
    expect(page.get_by_test_id("report-total")).to_have_text("$830.50")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")
    expect(page.get_by_test_id("expense-amount-2")).to_have_text("$23.50")
    expect(page.get_by_test_id("expense-merchant-3")).to_have_text("The Standard Hotel")
    expect(page.get_by_test_id("expense-category-1")).to_have_text("Travel")
    expect(page.get_by_test_id("expense-date-2")).to_have_text("May 3, 2024")
    expect(page.get_by_test_id("violation-3")).to_be_visible()
    expect(page.get_by_test_id("violation-4")).to_have_count(0)  # exactly $75.00
    expect(page.get_by_test_id("receipt-1")).to_contain_text("delta-eticket.pdf")


def test_foreign_amounts_show_original_and_converted_money(login):
    page = login(HENRI, path="/reports/6")
    expect(page.get_by_test_id("expense-amount-15")).to_have_text("¥5,000")
    expect(page.get_by_test_id("expense-converted-15")).to_contain_text("€31.82")
    expect(page.get_by_test_id("expense-amount-13")).to_have_text("€129.00")
    expect(page.get_by_test_id("expense-converted-13")).to_have_count(0)
    expect(page.get_by_test_id("report-total")).to_have_text("€205.82")


def test_adding_an_expense_updates_total_and_count(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-merchant").fill("Blue Bottle")
    form.get_by_test_id("expense-amount").fill("1,205.5")
    form.get_by_test_id("expense-category").select_option(label="Meals")
    form.get_by_test_id("expense-date").fill(PAST_DATE)
    form.get_by_test_id("expense-save").click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("expense-amount-17")).to_have_text("$1,205.50")
    expect(page.get_by_test_id("report-total")).to_have_text("$1,400.23")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("4")
    expect(page.get_by_test_id("violation-17")).to_be_visible()


def test_expense_form_shows_field_errors(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("add-expense").click()
    form = page.get_by_test_id("expense-form")
    form.get_by_test_id("expense-merchant").fill("Deli")
    form.get_by_test_id("expense-amount").fill("12.345")
    form.get_by_test_id("expense-save").click()
    expect(form.get_by_test_id("expense-error-amount")).to_be_visible()
    form.get_by_test_id("expense-amount").fill("0")
    form.get_by_test_id("expense-category").select_option(label="Meals")
    form.get_by_test_id("expense-date").fill(PAST_DATE)
    form.get_by_test_id("expense-save").click()
    expect(form.get_by_test_id("expense-error-amount")).to_contain_text("greater than zero")
    form.get_by_test_id("expense-amount").fill("5")
    form.get_by_test_id("expense-merchant").fill("   ")
    form.get_by_test_id("expense-save").click()
    expect(form.get_by_test_id("expense-error-merchant")).to_have_text("Merchant is required")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("3")


def test_disabled_category_is_not_offered_for_new_expenses(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("add-expense").click()
    options = page.get_by_test_id("expense-category").locator("option")
    expect(options).to_have_text(["Choose a category", "Lodging", "Meals", "Office", "Travel"])


def test_editing_an_expense_keeps_its_cents(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("edit-expense-5").click()
    form = page.get_by_test_id("expense-form")
    expect(form.get_by_test_id("expense-amount")).to_have_value("45.99")
    expect(form.get_by_test_id("expense-category")).to_have_value("4")
    form.get_by_test_id("expense-amount").fill("12.05")
    form.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-amount-5")).to_have_text("$12.05")
    expect(page.get_by_test_id("report-total")).to_have_text("$160.79")


def test_editing_a_yen_expense_shows_whole_yen(login):
    page = login(HENRI, path="/reports/6")
    page.get_by_test_id("edit-expense-15").click()
    expect(page.get_by_test_id("expense-amount")).to_have_value("5000")
    expect(page.get_by_test_id("expense-currency")).to_have_value("JPY")


def test_deleting_an_expense_updates_the_total(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("delete-expense-7").click()
    expect(page.get_by_test_id("expense-row-7")).to_have_count(0)
    expect(page.get_by_test_id("report-total")).to_have_text("$64.74")
    expect(page.get_by_test_id("report-expense-count")).to_have_text("2")


def test_attaching_and_removing_a_receipt_updates_violations(login):
    page = login(ALICE, path="/reports/1")
    page.get_by_test_id("attach-receipt-3").click()
    expect(page.get_by_test_id("receipt-3")).to_be_visible()
    expect(page.get_by_test_id("violation-3")).to_have_count(0)
    expect(page.get_by_test_id("report-violation-count")).to_have_text("0")
    page.get_by_test_id("remove-receipt-3").click()
    expect(page.get_by_test_id("violation-3")).to_be_visible()
    expect(page.get_by_test_id("report-violation-count")).to_have_text("1")


def test_submit_with_a_missing_receipt_shows_why(login):
    page = login(ALICE, path="/reports/1")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-error")).to_contain_text("The Standard Hotel")
    expect(page.get_by_test_id("report-status")).to_have_text("Open")


def test_owner_submits_and_loses_edit_controls(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    expect(page.get_by_test_id("toast")).to_contain_text("Report submitted")
    expect(page.get_by_test_id("add-expense")).to_have_count(0)
    expect(page.get_by_test_id("edit-expense-5")).to_have_count(0)
    expect(page.get_by_test_id("rename-report")).to_have_count(0)
    expect(page.get_by_test_id("submit-report")).to_have_count(0)


def test_admin_approves_a_submitted_report(login, api):
    page = login(ALICE, path="/reports/3")
    expect(page.get_by_test_id("reject-report")).to_be_visible()
    page.get_by_test_id("approve-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Approved")
    expect(page.get_by_text("Approved by Alice Admin")).to_be_visible()
    expect(page.get_by_test_id("approve-report")).to_have_count(0)
    api.login(BOB)
    assert ok(api.get("/api/reports/3"))["status"] == "approved", "the approval was not saved"


def test_rejecting_posts_the_reason_in_the_report_chat(login):
    page = login(ALICE, path="/reports/3")
    page.get_by_test_id("reject-report").click()
    page.get_by_test_id("reject-reason").fill("Missing boarding passes")
    page.get_by_test_id("reject-confirm").click()
    expect(page.get_by_test_id("reject-dialog")).to_have_count(0)
    expect(page.get_by_test_id("report-status")).to_have_text("Rejected")
    page.get_by_test_id("room-link-1").click()
    page.get_by_test_id("nav-reports").click()
    page.get_by_test_id("report-link-3").click()
    expect(page.get_by_test_id("chat-6")).to_contain_text("Rejected: Missing boarding passes")


def test_owner_reopens_a_rejected_report(login):
    page = login(BOB, path="/reports/5")
    expect(page.get_by_text("Rejected by Alice Admin")).to_be_visible()
    page.get_by_test_id("reopen-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Open")
    expect(page.get_by_text("Rejected by Alice Admin")).to_have_count(0)
    expect(page.get_by_test_id("add-expense")).to_be_visible()


def test_auditor_sees_a_report_without_any_controls(login):
    page = login(CAROL, path="/reports/3")
    expect(page.get_by_test_id("report-total")).to_have_text("$1,133.00")
    expect(page.get_by_test_id("expense-converted-8")).to_contain_text("$638.00")
    for test_id in (
        "approve-report",
        "reject-report",
        "submit-report",
        "add-expense",
        "rename-report",
        "edit-expense-8",
    ):
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    expect(page.get_by_test_id("composer-input")).to_be_enabled()


def test_renaming_a_report(login):
    page = login(BOB, path="/reports/2")
    page.get_by_test_id("rename-report").click()
    page.get_by_test_id("report-title-input").fill("Q2 office, final")
    page.get_by_test_id("report-title-save").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office, final")


def test_report_of_another_member_is_not_found(login):
    page = login(BOB, path="/reports/1")
    expect(page.get_by_test_id("report-error")).to_contain_text("Report not found")


def test_opening_a_report_of_the_other_workspace_switches_workspace(login):
    page = login(ALICE, path="/w/2")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Euro Ops")
    mark_page(page)
    open_in_app(page, "/reports/1")
    expect(page.get_by_test_id("report-title")).to_have_text("NYC client visit")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Travel")
    expect(page.get_by_test_id("current-role")).to_have_text("Admin")
    expect(page.get_by_test_id("room-link-1")).to_be_visible()
    assert_no_reload(page, "opening a report of another workspace")
