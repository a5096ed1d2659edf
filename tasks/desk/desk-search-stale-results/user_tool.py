"""Reproduction steps: search 'invoice', then search 'export' from the results page."""


def results(user):
    found = user.page.get_by_test_id("search-results").or_(user.page.get_by_test_id("search-empty"))
    found.first.wait_for()
    return user.page.get_by_test_id("search-page").inner_text().replace("\n", " | ")


def search(user, q):
    box = user.page.get_by_test_id("search-input")
    box.fill(q)
    box.press("Enter")
    user.page.wait_for_url(f"**/search?q={q}")


def reproduce(user):
    user.login("sam@desk.test", path="/views/unsolved")
    with user.step("Search for 'invoice'"):
        user.page.get_by_test_id("ticket-table").wait_for()
        search(user, "invoice")
        user.note("Address: " + user.page.url)
        user.note("Search page: " + results(user))
    with user.step("On the results page, search for 'export'"):
        search(user, "export")
        try:
            user.page.wait_for_load_state("networkidle", timeout=2000)
        except Exception:
            pass
        user.note("Address: " + user.page.url)
        user.note("Search page: " + results(user))
    with user.step("Press the browser's Back button"):
        user.page.go_back()
        try:
            user.page.wait_for_load_state("networkidle", timeout=2000)
        except Exception:
            pass
        user.note("Address: " + user.page.url)
        user.note("Search page: " + results(user))
