"""Reproduction steps: open a report then #travel and press Back twice; search "hot" + "el" and
press Back; Ctrl+click a report in the list."""

from urllib.parse import urlsplit


def where(user):
    page = user.page
    url = urlsplit(page.url)
    address = url.path + (f"?{url.query}" if url.query else "")
    if page.get_by_test_id("room-title").count():
        shown = "room " + page.get_by_test_id("room-title").inner_text()
    elif page.get_by_test_id("report-title").count():
        shown = "report " + page.get_by_test_id("report-title").inner_text()
    elif page.get_by_test_id("search-results").count():
        shown = "search results"
    elif page.get_by_test_id("report-list").count():
        shown = "reports list"
    else:
        shown = "something else"
    user.note(f"Address bar: {address} | page shown: {shown}")


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/1")
    with user.step("Open 'NYC client visit', then #travel"):
        page.get_by_test_id("report-link-1").click()
        page.get_by_test_id("report-title").wait_for()
        page.get_by_test_id("room-link-2").click()
        page.get_by_test_id("message-7").wait_for()
        where(user)
    with user.step("Press the browser's Back button"):
        page.go_back()
        page.wait_for_load_state()
        where(user)
    with user.step("Press Back again"):
        page.go_back()
        page.wait_for_load_state()
        where(user)
    with user.step("Reload the reports list, type 'hot', pause, then type 'el' in the search box"):
        page.goto(user.url("/w/1"))
        page.get_by_test_id("report-list").wait_for()
        box = page.get_by_test_id("search-input")
        box.press_sequentially("hot")
        page.wait_for_url("**/search?q=hot")
        box.press_sequentially("el")
        page.wait_for_url("**/search?q=hotel")
        page.get_by_test_id("search-result-expense-3").wait_for()
    with user.step("Press Back once"):
        page.go_back()
        page.wait_for_load_state()
        where(user)
    with user.step("Reload the reports list and Ctrl+click 'NYC client visit'"):
        page.goto(user.url("/w/1"))
        page.get_by_test_id("report-list").wait_for()
        tabs_before = len(page.context.pages)
        page.get_by_test_id("report-link-1").click(modifiers=["ControlOrMeta"])
        page.get_by_test_id("report-link-1").or_(page.get_by_test_id("report-title")).first.wait_for()
        user.note(f"Tabs open: {len(page.context.pages)} (before the click: {tabs_before})")
        where(user)
