"""Reproduction steps: search for "cafe", then for "Café", as Ben."""


def _show(user):
    page = user.page
    page.locator("[data-testid=search-empty], [data-testid=search-results]").first.wait_for()
    if page.get_by_test_id("search-empty").count():
        user.note(page.get_by_test_id("search-empty").inner_text())
    else:
        user.note(page.get_by_test_id("search-count").inner_text())
        for item in page.get_by_test_id("search-results").locator("li.search-result").all():
            user.note("  " + item.inner_text().replace("\n", " "))


def reproduce(user):
    user.login("ben@board.test", path="/search")
    page = user.page
    for query in ("cafe", "Café"):
        with user.step(f"Search for {query}"):
            page.get_by_test_id("search-page-input").fill(query)
            page.get_by_test_id("search-submit").click()
            page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)
            _show(user)
