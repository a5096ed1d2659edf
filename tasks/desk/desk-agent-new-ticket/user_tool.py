"""Reproduction steps: as the agent Sam, look for a way to open a ticket for a customer who called."""


def reproduce(user):
    page = user.page
    user.login("sam@desk.test", path="/")
    with user.step("Look at the sidebar"):
        page.get_by_test_id("view-list").wait_for()
        sidebar = page.get_by_test_id("sidebar")
        for text in sidebar.locator("a, button").all_inner_texts():
            user.note("Sidebar entry: " + " ".join(text.split()))
    with user.step("Open /tickets/new"):
        page.goto(user.url("/tickets/new"))
        form = page.get_by_test_id("new-ticket-form")
        form.wait_for()
        user.note("Heading: " + page.locator("h1").first.inner_text())
        for text in form.locator(".field-label").all_inner_texts():
            user.note("Form field: " + " ".join(text.split()))
        user.note(f"Dropdowns in the form: {form.locator('select').count()}")
    with user.step("Fill in a subject and a description for Dmitri's call and submit"):
        page.get_by_test_id("new-ticket-subject").fill("Invoice sent to the old address again")
        page.get_by_test_id("new-ticket-body").fill("Dmitri called: the May invoice went to Bremen again.")
        page.get_by_test_id("new-ticket-submit").click()
        page.wait_for_load_state("networkidle")
        user.note("Address: " + page.url)
        for text in page.get_by_role("alert").all_inner_texts():
            user.note("Message: " + text)
