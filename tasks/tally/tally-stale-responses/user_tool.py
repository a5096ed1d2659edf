"""Reproduction steps: search "lu", then quickly "hotel", on a connection where the first answer
comes back late (simulated by holding back the answer for "lu" until "hotel" has been shown)."""

import re


def reproduce(user):
    page = user.page
    late = []
    page.route(re.compile(r"/api/search\?q=lu$"), lambda route: late.append(route))
    user.login("alice@tally.test", path="/search")
    with user.step("Type 'lu' in the search box"):
        page.get_by_test_id("search-input").fill("lu")
        page.wait_for_url(re.compile(r"q=lu$"))
    with user.step("Quickly change the search to 'hotel'"):
        page.get_by_test_id("search-input").fill("hotel")
        page.wait_for_url(re.compile(r"q=hotel$"))
        page.get_by_test_id("search-result-expense-9").wait_for()
        user.note("Results shown: " + " | ".join(page.locator(".result-title").all_inner_texts()))
    with user.step("The slow answer for 'lu' finally arrives"):
        with page.expect_request_finished(lambda request: request.url.endswith("q=lu")):
            for route in late:
                route.continue_()
        # the page reads the answer and shows what it will a moment later
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 100)))")
        user.note("Search box: " + page.get_by_test_id("search-input").input_value())
        user.note("Results shown: " + " | ".join(page.locator(".result-title").all_inner_texts()))
