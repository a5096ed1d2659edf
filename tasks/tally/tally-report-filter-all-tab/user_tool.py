"""Reproduction steps: open the reports list, switch to Submitted and back to All, and look at
which tab is highlighted each time."""


def selected_tabs(user):
    tabs = user.page.locator("[data-testid^='status-filter-']")
    names = []
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if tab.get_attribute("aria-selected") == "true":
            names.append(tab.inner_text().strip())
    return ", ".join(names) or "none"


def report_count(user):
    return user.page.get_by_test_id("report-list").locator("[data-testid^='report-row-']").count()


def reproduce(user):
    user.login("alice@tally.test", path="/w/1")
    with user.step("Look at the reports list of Acme Travel"):
        user.page.get_by_test_id("report-row-1").wait_for()
        user.note(f"Reports listed: {report_count(user)}")
        user.note(f"Highlighted tab: {selected_tabs(user)}")
    with user.step("Click Submitted"):
        user.page.get_by_test_id("status-filter-submitted").click()
        user.page.wait_for_url("**/w/1?status=submitted")
        user.page.get_by_test_id("report-row-1").wait_for(state="detached")
        user.note(f"Reports listed: {report_count(user)}")
        user.note(f"Highlighted tab: {selected_tabs(user)}")
    with user.step("Click All"):
        user.page.get_by_test_id("status-filter-all").click()
        user.page.get_by_test_id("report-row-1").wait_for()
        user.note(f"Reports listed: {report_count(user)}")
        user.note(f"Highlighted tab: {selected_tabs(user)}")
