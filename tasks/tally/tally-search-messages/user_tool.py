"""Reproduction steps: Alice searches for "hotel" and looks at what the results page lists."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test")
    with user.step("Type 'hotel' in the search box and press Enter"):
        box = page.get_by_test_id("search-input")
        box.fill("hotel")
        box.press("Enter")
        page.wait_for_url("**/search?q=hotel")
        page.get_by_test_id("search-results").locator("section, [data-testid='search-empty']").first.wait_for()
    with user.step("Look at the results"):
        results = page.get_by_test_id("search-results")
        for title in results.locator("h2").all_inner_texts():
            user.note("Section: " + " ".join(title.split()))
        links = results.get_by_role("link")
        for index in range(links.count()):
            link = links.nth(index)
            text = " ".join(link.inner_text().split())
            user.note(f"Result: {text} -> {link.get_attribute('href')}")
    with user.step("Look for Frank's message in #travel"):
        found = results.get_by_role("link").filter(has_text="handle the hotel for the offsite")
        user.note(f"Results mentioning 'handle the hotel for the offsite': {found.count()}")
