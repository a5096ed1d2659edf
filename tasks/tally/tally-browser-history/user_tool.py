"""Reproduction steps: search "hot" + "el" and press Back; Ctrl+click a report in the list; open
it and #travel, then press Back twice (every step without reloading the page)."""

VIEWS = ("room-title", "report-title", "search-results", "report-list")
# what the page shows, read in one go once the app has rendered a frame
READ_VIEW = """async () => {
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.innerText;
  const shown = text("room-title") !== undefined ? "room " + text("room-title")
    : text("report-title") !== undefined ? "report " + text("report-title")
    : text("search-results") !== undefined ? "search results"
    : text("report-list") !== undefined ? "reports list" : "something else";
  return location.pathname + location.search + " | page shown: " + shown;
}"""


def where(user):
    page = user.page
    # the app renders a frame after the address changes, and a page may still load its data
    any_view = page.get_by_test_id(VIEWS[0])
    for view in VIEWS[1:]:
        any_view = any_view.or_(page.get_by_test_id(view))
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    try:
        any_view.first.wait_for(timeout=2000)
    except Exception:  # none of them: "something else"
        pass
    user.note("Address bar: " + page.evaluate(READ_VIEW))


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/w/1")
    with user.step("On the reports list, type 'hot', pause, then type 'el' in the search box"):
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
    with user.step("Click Reports in the sidebar, then Ctrl+click 'NYC client visit'"):
        page.get_by_test_id("nav-reports").click()
        page.get_by_test_id("report-list").wait_for()
        tabs_before = len(page.context.pages)
        page.get_by_test_id("report-link-1").click(modifiers=["ControlOrMeta"])
        where(user)
        user.note(f"Tabs open: {len(page.context.pages)} (before the click: {tabs_before})")
        for tab in page.context.pages:
            if tab != page:  # the reproduction goes on in the first tab
                tab.close()
    with user.step("Open 'NYC client visit' (unless it is shown), then #travel"):
        if not page.get_by_test_id("report-title").count():
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
