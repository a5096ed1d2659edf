# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The edit form keeps an expense's disabled category; disabled categories are not offered
otherwise."""

from playwright.sync_api import expect


def disable_meals(api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/categories/2", {"enabled": False})
    assert status == 200, body


def offered(page):
    options = page.get_by_test_id("expense-category").locator("option")
    return {value for value in options.evaluate_all("els => els.map(e => e.value)") if value}


def test_edit_keeps_the_disabled_category(login, api):
    disable_meals(api)
    page = login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id("expense-category-6")).to_have_text("Meals")
    page.get_by_test_id("edit-expense-6").click()
    select = page.get_by_test_id("expense-category")
    expect(select).to_have_value("2")
    expect(select.locator("option:checked")).to_have_text("Meals")
    assert offered(page) == {"1", "2", "3", "4"}, offered(page)

    page.get_by_test_id("expense-description").fill("Team coffee and pastries")
    page.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)
    expect(page.get_by_test_id("expense-category-6")).to_have_text("Meals")
    api.login("bob@tally.test")
    status, report = api.get("/api/reports/2")
    assert status == 200, report
    cafe = next(e for e in report["expenses"] if e["id"] == 6)
    assert cafe["category"]["id"] == 2, cafe
    assert cafe["description"] == "Team coffee and pastries", cafe


def test_disabled_categories_are_not_offered_otherwise(login, api):
    disable_meals(api)
    page = login("alice@tally.test", path="/reports/1")
    page.get_by_test_id("add-expense").click()
    expect(page.get_by_test_id("expense-form")).to_be_visible()
    expect(page.get_by_test_id("expense-category").locator("option[value='1']")).to_have_count(1)
    assert offered(page) == {"1", "3", "4"}, offered(page)
    page.get_by_test_id("expense-cancel").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)

    page.get_by_test_id("edit-expense-1").click()
    expect(page.get_by_test_id("expense-category")).to_have_value("1")
    assert offered(page) == {"1", "3", "4"}, offered(page)
    page.get_by_test_id("expense-cancel").click()

    page.get_by_test_id("edit-expense-2").click()
    expect(page.get_by_test_id("expense-category")).to_have_value("2")
    expect(page.get_by_test_id("expense-amount")).to_have_value("23.50")
    page.get_by_test_id("expense-amount").fill("24.50")
    page.get_by_test_id("expense-save").click()
    expect(page.get_by_test_id("expense-form")).to_have_count(0)
    expect(page.get_by_test_id("expense-amount-2")).to_have_text("$24.50")
    expect(page.get_by_test_id("expense-category-2")).to_have_text("Meals")
