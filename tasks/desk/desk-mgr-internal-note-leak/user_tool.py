"""Reproduction steps: Carla opens her request #5, then searches for 'finance'."""


def reproduce(user):
    user.login("carla@desk.test", path="/tickets/5")
    with user.step("Look at request #5 as Carla (customer)"):
        user.page.get_by_test_id("comment-6").wait_for()
        for entry in user.page.get_by_test_id("conversation").locator("article").all():
            user.note("Conversation: " + entry.inner_text().replace("\n", " | "))
    with user.step("Search for 'finance'"):
        user.page.get_by_test_id("search-input").fill("finance")
        user.page.get_by_test_id("search-input").press("Enter")
        results = user.page.get_by_test_id("search-results").or_(user.page.get_by_test_id("search-empty"))
        results.first.wait_for()
        user.note("Search page: " + user.page.get_by_test_id("search-page").inner_text().replace("\n", " | "))
