"""Reproduction steps: search for "#4471", "R&D" and "50%" with the search box at the top."""

# a request with "R&D" and one with "50%" in it, as customers wrote them
REQUESTS = [
    ("carla@desk.test", "Please add our R&D kitchen to the account",
     "Our R&D kitchen in Leipzig needs its own login for the recipe portal."),
    ("carla@desk.test", "Discount code SAVE50 is rejected at checkout",
     "Customers get \"invalid code\" when they enter SAVE50 since Monday."),
    ("erin@desk.test", "The 50% off banner is still showing",
     "The sale ended on Sunday but the shop still says 50% off everything."),
]


def show_results(user):
    page = user.page
    page.wait_for_load_state("networkidle")
    user.note("Address: " + page.url)
    shown = page.locator("[data-testid^='search-result-'] a, [data-testid='search-error'], "
                         "[data-testid='search-empty'], [data-testid='search-page'] > p")
    for text in shown.all_inner_texts():
        user.note("Shown: " + " ".join(text.split()))


def submit_requests(user):
    """What the customers do in their own browsers: submit their requests."""
    for email, subject, body in REQUESTS:
        login = user.page.request.post(
            user.url("/api/login"), data={"email": email, "password": "password"}
        )
        token = login.json()["token"]
        response = user.page.request.post(
            user.url("/api/tickets"),
            data={"subject": subject, "body": body},
            headers={"Authorization": f"Bearer {token}"},
        )
        user.note(f"{email} submitted '{subject}' (HTTP {response.status})")


def reproduce(user):
    page = user.page
    with user.step("Customers submit three requests (Carla: R&D kitchen, SAVE50 code; Erin: 50% banner)"):
        submit_requests(user)
    user.login("sam@desk.test", path="/")
    for text in ("#4471", "R&D", "50%"):
        with user.step(f"Type '{text}' in the search box and press Enter"):
            box = page.get_by_test_id("search-input")
            box.fill(text)
            box.press("Enter")
            page.get_by_test_id("search-page").wait_for()
            show_results(user)
