# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Search finds exactly the tickets that contain the typed text, whatever characters it holds:
from the search box, from a link to the results page, and through the API."""

from playwright.sync_api import expect

# (customer, subject, description)
REQUESTS = {
    "rnd": ("carla@desk.test", "Please add our R&D kitchen to the account",
            "Our R&D kitchen in Leipzig needs its own login for the recipe portal."),
    "save50": ("carla@desk.test", "Discount code SAVE50 is rejected at checkout",
               "Customers get \"invalid code\" when they enter SAVE50 since Monday."),
    "banner": ("erin@desk.test", "The 50% off banner is still showing",
               "The sale ended on Sunday but the shop still says 50% off everything."),
    "order_id": ("felix@desk.test", "Webhook payload is missing order_id",
                 "Since the last release the order.created payload has no order_id field."),
    "order-id": ("dmitri@desk.test", "Order IDs are empty in the export",
                 "The export has an order-id column but every cell is empty."),
    "cpp": ("felix@desk.test", "C++ SDK crashes on startup",
            "The C++ SDK 3.2 segfaults when the client is created without a region."),
    "public": ("erin@desk.test", "Sync skips everything under C:\\Users\\Public",
               "Nothing in C:\\Users\\Public\\Documents has been uploaded since version 3.2."),
    "installer": ("felix@desk.test", "Installer suggests C:Users as the install folder",
                  "The installer's default folder is C:Users, which does not exist."),
}


def submit_requests(api, *keys):
    ids = {}
    for key in keys:
        email, subject, body = REQUESTS[key]
        api.login(email)
        status, ticket = api.post("/api/tickets", {"subject": subject, "body": body})
        assert status == 201, ticket
        ids[key] = ticket["id"]
    return ids


def search_ids(api, encoded_q):
    status, body = api.get(f"/api/search?q={encoded_q}")
    assert status == 200, f"GET /api/search?q={encoded_q}: {status} {body}"
    return sorted(ticket["id"] for ticket in body["tickets"])


def search_with_the_box(page, text):
    box = page.get_by_test_id("search-input")
    box.fill(text)
    box.press("Enter")


def expect_results(page, ids):
    results = page.get_by_test_id("search-results")
    expect(results).to_be_visible()
    for ticket_id in ids:
        expect(results.get_by_test_id(f"search-result-{ticket_id}")).to_be_visible()
    expect(results.locator("[data-testid^='search-result-']")).to_have_count(len(ids))


def test_search_box_with_hash_ampersand_and_percent(login, api):
    ids = submit_requests(api, "rnd", "save50", "banner")
    page = login("sam@desk.test", path="/views/unsolved")
    expect(page.get_by_test_id("ticket-row-3")).to_be_visible()

    search_with_the_box(page, "#4471")
    expect_results(page, [2])
    expect(page.get_by_test_id("search-match-2")).to_have_text("Subject:")

    search_with_the_box(page, "R&D")
    expect_results(page, [ids["rnd"]])

    search_with_the_box(page, "50%")
    expect_results(page, [ids["banner"]])


def test_link_to_results_with_plus_signs(login, api):
    ids = submit_requests(api, "cpp")
    page = login("priya@desk.test", path="/search?q=C%2B%2B")
    expect_results(page, [ids["cpp"]])
    expect(page.get_by_test_id(f"search-snippet-{ids['cpp']}")).to_contain_text("C++ SDK")


def test_api_matches_percent_and_underscore_literally(api):
    ids = submit_requests(api, "save50", "banner", "order_id", "order-id")
    api.login("sam@desk.test")
    assert search_ids(api, "50%25") == [ids["banner"]]
    assert search_ids(api, "order_id") == [ids["order_id"]]
    assert search_ids(api, "order-id") == [ids["order-id"]]
    assert search_ids(api, "%234471") == [2]
    assert search_ids(api, "C%2B%2B") == []

    api.login("carla@desk.test")
    assert search_ids(api, "50%25") == []
    assert search_ids(api, "SAVE50") == [ids["save50"]]


def test_api_matches_backslashes_literally(api):
    ids = submit_requests(api, "public", "installer")
    api.login("sam@desk.test")
    assert search_ids(api, "C%3A%5CUsers") == [ids["public"]]  # C:\Users
    assert search_ids(api, "Users%5C") == [ids["public"]]  # Users\ (a trailing backslash)
    assert search_ids(api, "C%3AUsers") == [ids["installer"]]  # C:Users


def test_api_matches_percent_and_underscore_in_comments(api):
    api.login("sam@desk.test")
    status, body = api.post(
        "/api/tickets/1/comments",
        {"body": "The reset link carried token_id=7 and failed 100% of the time.", "internal": False},
    )
    assert status == 201, body
    for encoded in ("token_id", "100%25"):
        status, found = api.get(f"/api/search?q={encoded}")
        assert status == 200, f"GET /api/search?q={encoded}: {status} {found}"
        assert [(t["id"], t["match"]) for t in found["tickets"]] == [(1, "comment")]
        assert "token_id=7" in found["tickets"][0]["snippet"]
